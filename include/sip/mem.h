/*
 * mem.h - reference-counted memory with destructors, and per-message arenas.
 *
 * Long-lived objects (transactions, dialogs, connections) come from
 * sip_mem_zalloc() and are shared with sip_mem_ref()/sip_mem_deref().
 * Scratch that dies with one message comes from a struct sip_arena.
 */
#ifndef SIP_MEM_H
#define SIP_MEM_H

#include <stddef.h>

/** Destructor run when the last reference goes; must not free @p obj. */
typedef void (sip_mem_destroy_h)(void *obj);

/**
 * Allocate @p size zeroed bytes holding one reference.
 * @p dh (may be NULL) runs before the memory is freed.
 * Returns NULL when out of memory.
 */
void *sip_mem_zalloc(size_t size, sip_mem_destroy_h *dh);

/** Take one more reference to @p obj (NULL allowed). Returns @p obj. */
void *sip_mem_ref(void *obj);

/**
 * Drop one reference to @p obj (NULL allowed); the last one runs the
 * destructor and frees. Always returns NULL, for `p = sip_mem_deref(p);`.
 */
void *sip_mem_deref(void *obj);

/** Number of references held on @p obj (0 for NULL). */
unsigned sip_mem_nrefs(const void *obj);

/**
 * Test hook: after @p n more successful allocations, every allocation
 * fails (sip_mem_zalloc and arena chunks). n < 0 switches the cap off.
 * Used by the OOM test mode; never set in production code.
 */
void sip_mem_fail_after(long n);

/** Number of live blocks allocated through this module (leak checks). */
long sip_mem_live(void);

/** Bump allocator freed all at once; chunks are malloc'd on demand. */
struct sip_arena;

/**
 * Create an arena whose first chunk holds @p first_size bytes.
 * Returns NULL when out of memory. Free with sip_arena_free().
 */
struct sip_arena *sip_arena_new(size_t first_size);

/** Free the arena and everything allocated from it (NULL allowed). */
void sip_arena_free(struct sip_arena *a);

/**
 * Allocate @p size bytes aligned for any scalar type, uninitialised.
 * Returns NULL when out of memory; the arena stays usable.
 */
void *sip_arena_alloc(struct sip_arena *a, size_t size);

/** As sip_arena_alloc() but zeroed. */
void *sip_arena_zalloc(struct sip_arena *a, size_t size);

/** Copy @p len bytes of @p p into the arena, NUL-terminated. */
char *sip_arena_strndup(struct sip_arena *a, const char *p, size_t len);

#endif
