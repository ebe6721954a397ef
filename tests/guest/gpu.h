/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's virtio-gpu checks (virtio-gpu.c). */

#ifndef GUEST_GPU_H
#define GUEST_GPU_H

#include "virtio.h"

/* Find, negotiate @features and start the first virtio-gpu. */
bool gpu_init(uint64_t features);
VirtioDev *gpu_device(void);
VirtQueue *gpu_ctrlq(void);
void gpu_display_info(void);
/* Draw gpu_pattern() on scanout 0 and take it down again. */
void gpu_2d_round_trip(void);
/* The pixel drawn at (x, y): 0x00RRGGBB. */
uint32_t gpu_pattern(unsigned x, unsigned y);

#endif /* GUEST_GPU_H */
