/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's virtio-gpu checks (virtio-gpu.c). */

#ifndef GUEST_GPU_H
#define GUEST_GPU_H

#include "virtio.h"

struct virtio_gpu_ctrl_hdr;

/* Find and start the first virtio-gpu with those of @optional it offers. */
bool gpu_init(uint64_t optional);
VirtioDev *gpu_device(void);
VirtQueue *gpu_ctrlq(void);
void gpu_hdr(struct virtio_gpu_ctrl_hdr *hdr, uint32_t type);
/*
 * Send a control command; the response type (0 when the device did not
 * answer).  The response stays in gpu_resp().  The timed variant stores
 * the TSC cycles from the notify to the response in *@cycles.
 */
uint32_t gpu_cmd(const void *req, uint32_t req_len, uint32_t resp_len);
uint32_t gpu_cmd_timed(const void *req, uint32_t req_len,
                       uint32_t resp_len, uint64_t *cycles);
const void *gpu_resp(void);
/*
 * The blob flow on a virgl context: @n HOST3D blobs of @size bytes,
 * each created, mapped in the hostmem BAR, written and read there,
 * unmapped and released, every unmap and the command after it timed.
 */
void gpu_blob_checks(unsigned n, uint32_t size);
void gpu_display_info(void);
/* Draw gpu_pattern() on scanout 0 and take it down again. */
void gpu_2d_round_trip(void);
/* The pixel drawn at (x, y): 0x00RRGGBB. */
uint32_t gpu_pattern(unsigned x, unsigned y);

#endif /* GUEST_GPU_H */
