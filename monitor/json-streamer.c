/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Splitting a byte stream into JSON texts, one per QMP request.
 *
 * A client may write a request in pieces, or several in one write; the
 * streamer finds where each top-level value ends and hands its text to a
 * JSON parser.  Inside an array or object it only tracks strings (so that
 * brackets in them do not count) and the nesting depth: the value ends
 * when the depth returns to zero.  A top-level scalar ends at the first
 * byte that cannot continue it.  Whether the text is valid JSON is the
 * parser's business, so a malformed request costs one error reply and
 * the stream resynchronises at the next closing bracket.
 *
 * Like QEMU's lexer, it also takes 'single-quoted' strings, which it
 * rewrites as plain JSON strings for the parser.
 *
 * States (JSONStreamerState) and transitions:
 *   TOP    --'{' '['-->  VALUE    --depth 0--> emit, TOP
 *   TOP    --'"'------>  STRING   --'"'------> emit, TOP
 *   TOP    --other---->  SCALAR   --delimiter> emit, TOP (re-read it)
 *   VALUE  --'"'------>  STRING   --'"'------> VALUE
 *   STRING --'\'------>  STRING_ESC --any----> STRING
 *   and the same for SQ_STRING/SQ_STRING_ESC with single quotes.
 */

#include "qemu/osdep.h"
#include "json-streamer.h"

/*
 * QEMU's limits: beyond them the value is dropped with an error.  The
 * size applies to the whole request here (QEMU's is per token); the
 * token count bounds what the parser builds from it: json-glib takes
 * about 45 bytes of memory per token.
 */
#define MAX_TOKEN_SIZE (64 * 1024 * 1024)
#define MAX_TOKEN_COUNT (2 * 1024 * 1024)
#define MAX_NESTING (1 << 10)

/* A buffer grown past this is given back after its value. */
#define BUF_KEEP_SIZE (64 * 1024)

void json_streamer_init(JSONStreamer *s, JSONStreamerEmit *emit,
                        void *opaque)
{
    s->emit = emit;
    s->opaque = opaque;
    s->buf = g_string_new(NULL);
    json_streamer_reset(s);
}

void json_streamer_reset(JSONStreamer *s)
{
    if (s->buf->allocated_len > BUF_KEEP_SIZE) {
        g_string_free(s->buf, TRUE);
        s->buf = g_string_new(NULL);
    } else {
        g_string_truncate(s->buf, 0);
    }
    s->state = JSON_STREAMER_TOP;
    s->depth = 0;
    s->tokens = 0;
    s->in_word = false;
    s->discard = false;
}

void json_streamer_destroy(JSONStreamer *s)
{
    g_string_free(s->buf, TRUE);
    s->buf = NULL;
}

static void json_streamer_emit(JSONStreamer *s)
{
    size_t len = s->buf->len;
    g_autofree char *text = g_malloc(len + 1);
    bool discard = s->discard;

    memcpy(text, s->buf->str, len + 1);
    /* Reset first: the callback may feed or reset the streamer itself. */
    json_streamer_reset(s);
    if (!discard) {
        s->emit(s->opaque, text, len, NULL);
    }
}

static void json_streamer_error(JSONStreamer *s, const char *msg,
                                bool skip_rest)
{
    g_string_truncate(s->buf, 0);
    if (skip_rest) {
        /* Keep tracking the value so that what follows it parses. */
        s->discard = true;
    } else {
        json_streamer_reset(s);
    }
    s->emit(s->opaque, NULL, 0, msg);
}

static void json_streamer_append_len(JSONStreamer *s, const char *str,
                                     size_t len)
{
    if (s->discard) {
        return;
    }
    g_string_append_len(s->buf, str, len);
    if (s->buf->len > MAX_TOKEN_SIZE) {
        json_streamer_error(s, "JSON token size limit exceeded", true);
    }
}

static void json_streamer_append_c(JSONStreamer *s, char c)
{
    json_streamer_append_len(s, &c, 1);
}

/* One more token in the value: a bracket, ':', ',', string or word. */
static void json_streamer_token(JSONStreamer *s)
{
    if (++s->tokens > MAX_TOKEN_COUNT && !s->discard) {
        json_streamer_error(s, "JSON token count limit exceeded", true);
    }
}

/* A string or value just closed: at depth 0 the value is complete. */
static void json_streamer_value_end(JSONStreamer *s)
{
    if (s->depth == 0) {
        json_streamer_emit(s);
    } else {
        s->state = JSON_STREAMER_VALUE;
    }
}

static bool json_is_delimiter(char c)
{
    return g_ascii_isspace(c) || strchr("{}[]:,\"'", c);
}

static void json_streamer_byte(JSONStreamer *s, char c)
{
    switch (s->state) {
    case JSON_STREAMER_SCALAR:
        if (!json_is_delimiter(c)) {
            json_streamer_append_c(s, c);
            return;
        }
        json_streamer_emit(s);
        /* The delimiter starts whatever comes next. */
        /* fall through */
    case JSON_STREAMER_TOP:
        if (g_ascii_isspace(c)) {
            return;
        }
        if (c == '}' || c == ']') {
            g_autofree char *msg =
                g_strdup_printf("JSON parse error, stray '%c'", c);

            json_streamer_error(s, msg, false);
            return;
        }
        if (c != '{' && c != '[' && c != '"' && c != '\'') {
            s->state = JSON_STREAMER_SCALAR;
            json_streamer_append_c(s, c);
            return;
        }
        s->state = JSON_STREAMER_VALUE;
        /* fall through */
    case JSON_STREAMER_VALUE:
        if (json_is_delimiter(c)) {
            s->in_word = false;
            if (!g_ascii_isspace(c)) {
                json_streamer_token(s);
            }
        } else if (!s->in_word) {
            s->in_word = true;
            json_streamer_token(s);
        }
        if (c == '{' || c == '[') {
            if (++s->depth > MAX_NESTING && !s->discard) {
                json_streamer_error(s, "JSON nesting depth limit exceeded",
                                    true);
            }
            json_streamer_append_c(s, c);
        } else if (c == '}' || c == ']') {
            s->depth--;
            json_streamer_append_c(s, c);
            json_streamer_value_end(s);
        } else if (c == '"') {
            s->state = JSON_STREAMER_STRING;
            json_streamer_append_c(s, c);
        } else if (c == '\'') {
            s->state = JSON_STREAMER_SQ_STRING;
            json_streamer_append_c(s, '"');
        } else {
            json_streamer_append_c(s, c);
        }
        return;
    case JSON_STREAMER_STRING:
        json_streamer_append_c(s, c);
        if (c == '\\') {
            s->state = JSON_STREAMER_STRING_ESC;
        } else if (c == '"') {
            json_streamer_value_end(s);
        }
        return;
    case JSON_STREAMER_STRING_ESC:
        json_streamer_append_c(s, c);
        s->state = JSON_STREAMER_STRING;
        return;
    case JSON_STREAMER_SQ_STRING:
        if (c == '\\') {
            s->state = JSON_STREAMER_SQ_STRING_ESC;
        } else if (c == '\'') {
            json_streamer_append_c(s, '"');
            json_streamer_value_end(s);
        } else if (c == '"') {
            /* A plain character here, but it must be escaped in JSON. */
            json_streamer_append_len(s, "\\\"", 2);
        } else {
            json_streamer_append_c(s, c);
        }
        return;
    case JSON_STREAMER_SQ_STRING_ESC:
        s->state = JSON_STREAMER_SQ_STRING;
        if (c == '\'') {
            /* \' is not a JSON escape. */
            json_streamer_append_c(s, '\'');
        } else {
            json_streamer_append_c(s, '\\');
            json_streamer_append_c(s, c);
        }
        return;
    }
}

void json_streamer_feed(JSONStreamer *s, const char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        json_streamer_byte(s, buf[i]);
    }
}
