/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Splitting a byte stream into JSON texts, one per QMP request.
 */

#ifndef MONITOR_JSON_STREAMER_H
#define MONITOR_JSON_STREAMER_H

/*
 * Called once per complete top-level value with its text (@len bytes,
 * which may include NUL bytes for the parser to reject), or with a
 * message instead when the input cannot be a value (a stray '}', a value
 * too large or too deep).  Exactly one of @json and @error is non-NULL.
 */
typedef void JSONStreamerEmit(void *opaque, const char *json, size_t len,
                              const char *error);

typedef enum JSONStreamerState {
    JSON_STREAMER_TOP,          /* between values */
    JSON_STREAMER_VALUE,        /* in an array or object */
    JSON_STREAMER_SCALAR,       /* a top-level number, keyword... */
    JSON_STREAMER_STRING,       /* in a "string" */
    JSON_STREAMER_STRING_ESC,   /* after its backslash */
    JSON_STREAMER_SQ_STRING,    /* in a 'string' (QEMU's extension) */
    JSON_STREAMER_SQ_STRING_ESC,
} JSONStreamerState;

typedef struct JSONStreamer {
    JSONStreamerEmit *emit;
    void *opaque;
    GString *buf;       /* the value so far, as plain JSON */
    JSONStreamerState state;
    int depth;          /* of unclosed '{' and '[' */
    size_t tokens;      /* in the value so far (strings, numbers, ...) */
    bool in_word;       /* in a number or keyword inside the value */
    bool discard;       /* skipping the rest of an oversized value */
} JSONStreamer;

void json_streamer_init(JSONStreamer *s, JSONStreamerEmit *emit,
                        void *opaque);
/* json_streamer_feed: take @len more bytes; emit what they complete. */
void json_streamer_feed(JSONStreamer *s, const char *buf, size_t len);
/* json_streamer_reset: forget a partial value (the peer went away). */
void json_streamer_reset(JSONStreamer *s);
void json_streamer_destroy(JSONStreamer *s);

#endif /* MONITOR_JSON_STREAMER_H */
