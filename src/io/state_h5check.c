/* state_h5check.c - a structural check of an HDF5 state file before
 * libhdf5 parses it.
 *
 * Why: libhdf5 (1.10.8 here) trusts much of what it decodes; one flipped
 * byte in a datatype message can crash it (our random-flip test and the
 * fuzzer found such crashes in H5T_copy and elsewhere). So before a file
 * reaches libhdf5 we walk, with bounds checks on every read, everything
 * libhdf5 will touch when it loads a state file, and accept only the file
 * layout that h5py (and adex) write by default:
 *
 *   superblock version 0 or 1 at offset 0 (no user block), base address 0,
 *   8-byte or smaller offsets and lengths, no free-space or driver block;
 *   the root group as a symbol table: a version-1 object header holding a
 *   symbol-table message, a local heap ("HEAP") of names, a version-1
 *   B-tree ("TREE") of symbol nodes ("SNOD");
 *   every root entry a dataset: a version-1 object header whose messages
 *   are only NIL, dataspace (version 1 or 2, rank <= 32), datatype (IEEE
 *   float32/float64, an integer, or an enum on an integer), fill value
 *   (old or versions 1-3), layout version 3 (contiguous or compact, with
 *   the data inside the file), modification times, and continuations;
 *   no shared, no attribute, no filter-pipeline messages.
 *
 * Everything else (superblock version 2/3 from libver='latest', groups
 * ordered by creation, chunked or compressed datasets, attributes, soft or
 * external links, committed datatypes) is refused with a message. The
 * checks follow the HDF5 File Format Specification version 2.0 (sections
 * II.A superblock, III.A.1 B-tree v1, III.B group symbol table nodes,
 * III.D local heaps, IV.A.1.a object headers v1, IV.A.2 messages).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_internal.h"

/* Limits that bound the walk on hostile input. */
#define MAX_NODES 4096 /* metadata blocks visited */
#define MAX_DEPTH 32   /* B-tree levels */
#define MAX_CHUNKS 64  /* object header chunks (continuations) */
#define MAX_RANK 32    /* dataspace rank (H5S_MAX_RANK) */

/* Kinds of metadata blocks: libhdf5 caches each by address, and two
 * different blocks at overlapping addresses corrupt its cache (the fuzzer
 * found a continuation chunk pointing at the superblock), so overlaps are
 * refused. Only a dataset's header may be met twice (two names, one
 * object: a hard link). */
enum { B_SUPER, B_ROOT, B_DSET, B_HEAP, B_HEAPDATA, B_TREE, B_SNOD };

typedef struct block {
  uint64_t addr, len;
  int kind;
} block;

typedef struct h5c {
  const unsigned char *img;
  uint64_t size;      /* bytes that may be addressed: min(file, eof) */
  unsigned O, L;      /* sizes of offsets and lengths, bytes */
  unsigned leaf_k;    /* symbol node capacity is 2 leaf_k */
  unsigned node_k;    /* group B-tree node capacity is 2 node_k */
  uint64_t heap;      /* local heap data segment address */
  uint64_t heap_size; /* and size */
  block *blocks;      /* [MAX_NODES] metadata blocks met */
  size_t nblocks;
  char why[200]; /* the reason for a refusal */
} h5c;

/* Record why the file is refused; returns false. */
static bool refuse(h5c *c, const char *fmt, ...) ADEX__PRINTF(2, 3);
static bool refuse(h5c *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->why, sizeof c->why, fmt, ap);
  va_end(ap);
  return false;
}

/* n bytes at address addr, or NULL when they are not all in the file. */
static const unsigned char *at(const h5c *c, uint64_t addr, uint64_t n) {
  if (addr > c->size || n > c->size - addr) return NULL;
  return c->img + addr;
}

/* Little-endian unsigned integer of n <= 8 bytes. */
static uint64_t le(const unsigned char *p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}

/* Whether an address of O bytes is the undefined address (all ones). */
static bool undef(const h5c *c, uint64_t a) {
  return c->O == 8 ? a == UINT64_MAX : a == (UINT64_C(1) << (8 * c->O)) - 1;
}

/* Record a metadata block [addr, addr + len) of a kind; it must lie in
 * the file. At most MAX_NODES blocks, which also bounds the walk. */
static bool add_block(h5c *c, uint64_t addr, uint64_t len, int kind) {
  if (c->nblocks == MAX_NODES) return refuse(c, "too many HDF5 objects");
  if (len == 0 || at(c, addr, len) == NULL)
    return refuse(c, "HDF5 metadata outside the file");
  c->blocks[c->nblocks++] = (block){addr, len, kind};
  return true;
}

static int block_cmp(const void *a, const void *b) {
  const block *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return x->kind - y->kind;
}

/* No two metadata blocks overlap, except a dataset header met twice. */
static bool check_overlaps(h5c *c) {
  qsort(c->blocks, c->nblocks, sizeof *c->blocks, block_cmp);
  for (size_t i = 1; i < c->nblocks; i++) {
    const block *a = &c->blocks[i - 1], *b = &c->blocks[i];
    if (b->addr - a->addr >= a->len) continue;
    if (a->addr == b->addr && a->len == b->len && a->kind == B_DSET &&
        b->kind == B_DSET)
      continue;
    return refuse(c, "overlapping HDF5 metadata at address %llu",
                  (unsigned long long)b->addr);
  }
  return true;
}

/* ------------------------------------------------------------ superblock */

static bool check_superblock(h5c *c, uint64_t *root_oh, uint64_t *cached_bt,
                             uint64_t *cached_heap) {
  const unsigned char *p = at(c, 0, 24);
  if (p == NULL) return refuse(c, "truncated superblock");
  unsigned ver = p[8];
  if (ver > 1)
    return refuse(c,
                  "HDF5 superblock version %u (files written with "
                  "libver='latest') is not supported; write with h5py's "
                  "default",
                  ver);
  if (p[9] != 0 || p[10] != 0 || p[12] != 0)
    return refuse(c, "unsupported superblock field versions");
  c->O = p[13];
  c->L = p[14];
  if ((c->O != 2 && c->O != 4 && c->O != 8) ||
      (c->L != 2 && c->L != 4 && c->L != 8))
    return refuse(c, "bad sizes of offsets/lengths (%u, %u)", c->O, c->L);
  c->leaf_k = (unsigned)le(p + 16, 2);
  c->node_k = (unsigned)le(p + 18, 2);
  if (c->leaf_k == 0 || c->node_k == 0) return refuse(c, "bad B-tree K values");
  uint64_t pos = 24 + (ver == 1 ? 4 : 0);
  unsigned O = c->O;
  const unsigned char *q = at(c, pos, 4 * O + 2 * O + 24);
  if (q == NULL) return refuse(c, "truncated superblock");
  uint64_t base = le(q, O), freesp = le(q + O, O), eof = le(q + 2 * O, O),
           drv = le(q + 3 * O, O);
  if (base != 0)
    return refuse(c, "a user block or base address is not "
                     "supported");
  if (!undef(c, freesp) || !undef(c, drv))
    return refuse(c, "free-space or driver information blocks are not "
                     "supported");
  if (eof > c->size)
    return refuse(c,
                  "truncated file: the superblock says "
                  "%llu bytes, the file has %llu",
                  (unsigned long long)eof, (unsigned long long)c->size);
  c->size = eof;
  if (!add_block(c, 0, pos + 6 * (uint64_t)O + 24, B_SUPER)) return false;
  /* Root group symbol table entry: name offset, header, cache, scratch. */
  const unsigned char *e = q + 4 * O;
  *root_oh = le(e + O, O);
  uint32_t cache = (uint32_t)le(e + 2 * O, 4);
  *cached_bt = *cached_heap = UINT64_MAX;
  if (cache == 1) {
    *cached_bt = le(e + 2 * O + 8, O);
    *cached_heap = le(e + 3 * O + 8, O);
  } else if (cache != 0) {
    return refuse(c, "the root group entry has cache type %u", cache);
  }
  return true;
}

/* --------------------------------------------------------- object headers */

/* One message of an object header. */
typedef struct msg {
  unsigned type;
  unsigned flags;
  const unsigned char *data;
  uint64_t size;
} msg;

#define MAX_MSGS 256

/* Read a version-1 object header and its continuation chunks into m[];
 * *n gets the message count. */
static bool read_header(h5c *c, uint64_t addr, msg *m, size_t *n, int kind) {
  *n = 0;
  const unsigned char *p = at(c, addr, 16);
  if (p == NULL) return refuse(c, "object header outside the file");
  if (p[0] != 1)
    return refuse(c, "object header version %u (not 1) is not supported", p[0]);
  uint64_t nmsgs = le(p + 2, 2);
  uint64_t chunk_addr[MAX_CHUNKS], chunk_size[MAX_CHUNKS];
  size_t nchunks = 1;
  chunk_addr[0] = addr + 16;
  chunk_size[0] = le(p + 8, 4);
  for (size_t k = 0; k < nchunks; k++) {
    const unsigned char *q = at(c, chunk_addr[k], chunk_size[k]);
    if (q == NULL) return refuse(c, "object header chunk outside the file");
    /* The first chunk is cached with the 16-byte prefix. */
    if (!(k == 0 ? add_block(c, addr, 16 + chunk_size[0], kind)
                 : add_block(c, chunk_addr[k], chunk_size[k], kind)))
      return false;
    uint64_t off = 0;
    while (off < chunk_size[k]) {
      if (chunk_size[k] - off < 8)
        return refuse(c, "object header chunk ends inside a message");
      unsigned type = (unsigned)le(q + off, 2);
      uint64_t size = le(q + off + 2, 2);
      unsigned flags = q[off + 4];
      if (size > chunk_size[k] - off - 8)
        return refuse(c, "object header message overruns its chunk");
      if (*n == MAX_MSGS) return refuse(c, "too many header messages");
      m[*n] = (msg){type, flags, q + off + 8, size};
      (*n)++;
      if (flags & 0x02)
        return refuse(c, "shared header messages are not supported");
      if (type == 0x10) { /* continuation: address, length */
        if (size < (uint64_t)c->O + c->L)
          return refuse(c, "short continuation message");
        if (nchunks == MAX_CHUNKS)
          return refuse(c, "too many object header continuations");
        chunk_addr[nchunks] = le(q + off + 8, c->O);
        chunk_size[nchunks] = le(q + off + 8 + c->O, c->L);
        if (chunk_size[nchunks] < 8)
          return refuse(c, "empty object header continuation");
        nchunks++;
      }
      off += 8 + size;
    }
  }
  if (*n != nmsgs)
    return refuse(c, "object header has %zu messages, says %llu", *n,
                  (unsigned long long)nmsgs);
  return true;
}

/* ------------------------------------------------------------ messages */

/* A datatype message at p (n bytes): accepted classes only. *used gets its
 * length, *esize its element size. */
static bool check_dtype(h5c *c, const unsigned char *p, uint64_t n,
                        uint64_t *used, uint64_t *esize, int depth) {
  if (n < 8) return refuse(c, "short datatype message");
  unsigned cls = p[0] & 0x0f, ver = p[0] >> 4;
  uint32_t bits = (uint32_t)le(p + 1, 3);
  uint64_t size = le(p + 4, 4);
  if (ver < 1 || ver > 3) return refuse(c, "datatype version %u", ver);
  *esize = size;
  if (cls == 0) { /* integer: order, padding, sign; offset, precision */
    if (n < 12 || (bits & ~UINT32_C(0x0f)) != 0 ||
        (size != 1 && size != 2 && size != 4 && size != 8) ||
        le(p + 8, 2) != 0 || le(p + 10, 2) != 8 * size)
      return refuse(c, "unsupported integer datatype");
    *used = 12;
    return true;
  }
  if (cls == 1) { /* float: exactly IEEE binary32 or binary64 */
    static const unsigned char f32[12] = {0, 0,  32,  0, 23, 8,
                                          0, 23, 127, 0, 0,  0};
    static const unsigned char f64[12] = {0, 0,  64,   0,    52, 11,
                                          0, 52, 0xff, 0x03, 0,  0};
    bool ok = n >= 20 &&
              (bits & ~UINT32_C(1)) == ((size == 8 ? 63u : 31u) << 8 | 0x20u) &&
              ((size == 4 && memcmp(p + 8, f32, 12) == 0) ||
               (size == 8 && memcmp(p + 8, f64, 12) == 0));
    if (!ok) return refuse(c, "unsupported floating-point datatype");
    *used = 20;
    return true;
  }
  if (cls == 8 && depth == 0) { /* enum: base type, names, values */
    uint64_t nm = bits & 0xffff, bused = 0, bsize = 0;
    if ((bits >> 16) != 0 || nm == 0 || nm > 1024)
      return refuse(c, "unsupported enum datatype");
    if (!check_dtype(c, p + 8, n - 8, &bused, &bsize, depth + 1)) return false;
    if ((p[8] & 0x0f) != 0 || bsize != size)
      return refuse(c, "enum datatype without an integer base");
    uint64_t off = 8 + bused;
    for (uint64_t k = 0; k < nm; k++) {
      const unsigned char *s = off < n ? memchr(p + off, 0, n - off) : NULL;
      if (s == NULL) return refuse(c, "enum member name overruns");
      uint64_t len = (uint64_t)(s - (p + off)) + 1;
      if (ver < 3) len = (len + 7) / 8 * 8;
      if (len > n - off) return refuse(c, "enum member name overruns");
      off += len;
    }
    if (nm * size > n - off) return refuse(c, "enum values overrun");
    *used = off + nm * size;
    return true;
  }
  return refuse(c, "unsupported HDF5 datatype class %u", cls);
}

/* A dataspace message: rank and element count. */
static bool check_space(h5c *c, const msg *m, uint64_t *count) {
  const unsigned char *p = m->data;
  if (m->size < 4) return refuse(c, "short dataspace message");
  unsigned ver = p[0], rank = p[1], flags = p[2];
  uint64_t off;
  if (ver == 1) {
    off = 8;
  } else if (ver == 2) {
    if (p[3] > 2) return refuse(c, "bad dataspace type");
    if (p[3] != 1 && rank != 0) return refuse(c, "bad dataspace rank");
    off = 4;
  } else {
    return refuse(c, "dataspace version %u", ver);
  }
  if (rank > MAX_RANK || (flags & ~1u) != 0)
    return refuse(c, "unsupported dataspace (rank %u, flags %u)", rank, flags);
  uint64_t need = off + (uint64_t)rank * c->L * ((flags & 1) ? 2 : 1);
  if (need > m->size) return refuse(c, "short dataspace message");
  *count = 1;
  for (unsigned d = 0; d < rank; d++) {
    uint64_t dim = le(p + off + (uint64_t)d * c->L, c->L);
    if (dim != 0 && *count > UINT64_MAX / dim)
      return refuse(c, "dataspace too large");
    *count *= dim;
  }
  if (ver == 2 && p[3] == 2) *count = 0; /* null dataspace */
  return true;
}

/* A fill value message (old 0x04, or 0x05 versions 1-3). */
static bool check_fill(h5c *c, const msg *m, uint64_t esize) {
  const unsigned char *p = m->data;
  uint64_t n = m->size, off, vsize;
  if (m->type == 0x04) {
    if (n < 4) return refuse(c, "short fill value message");
    vsize = le(p, 4);
    off = 4;
  } else {
    if (n < 1) return refuse(c, "short fill value message");
    unsigned ver = p[0];
    if (ver == 1 || ver == 2) {
      if (n < 4) return refuse(c, "short fill value message");
      bool has = ver == 1 || p[3] != 0;
      if (!has) return n == 4 || refuse(c, "bad fill value message");
      if (n < 8) return refuse(c, "short fill value message");
      vsize = le(p + 4, 4);
      off = 8;
    } else if (ver == 3) {
      if (n < 2) return refuse(c, "short fill value message");
      if (!(p[1] & 0x20)) return true;
      if (n < 6) return refuse(c, "short fill value message");
      vsize = le(p + 2, 4);
      off = 6;
    } else {
      return refuse(c, "fill value version %u", ver);
    }
  }
  if (vsize > n - off || (vsize != 0 && vsize != esize))
    return refuse(c, "bad fill value size");
  return true;
}

/* A layout message: version 3, contiguous or compact, data in the file. */
static bool check_layout(h5c *c, const msg *m, uint64_t bytes) {
  const unsigned char *p = m->data;
  if (m->size < 2 || p[0] != 3)
    return refuse(c, "unsupported data layout (only HDF5 layout version 3 "
                     "is read)");
  if (p[1] == 0) { /* compact: size, data */
    if (m->size < 4) return refuse(c, "short layout message");
    uint64_t sz = le(p + 2, 2);
    if (sz > m->size - 4 || sz != bytes)
      return refuse(c, "bad compact data size");
    return true;
  }
  if (p[1] == 1) { /* contiguous: address, size */
    if (m->size < 2 + (uint64_t)c->O + c->L)
      return refuse(c, "short layout message");
    uint64_t addr = le(p + 2, c->O), sz = le(p + 2 + c->O, c->L);
    if (sz != bytes)
      return refuse(c,
                    "contiguous data size %llu, expected "
                    "%llu",
                    (unsigned long long)sz, (unsigned long long)bytes);
    if (!undef(c, addr) && at(c, addr, sz) == NULL)
      return refuse(c, "dataset data outside the file");
    return true;
  }
  return refuse(c, "chunked or compressed datasets are not supported");
}

/* Put the dataset's name in front of the reason; returns false. */
static bool named(h5c *c, const char *name) {
  char why[sizeof c->why];
  memcpy(why, c->why, sizeof why);
  snprintf(c->why, sizeof c->why, "'%.60s': %.130s", name, why);
  return false;
}

/* A dataset's object header. */
static bool check_dataset(h5c *c, uint64_t addr, const char *name) {
  msg m[MAX_MSGS];
  size_t n;
  if (!read_header(c, addr, m, &n, B_DSET)) return named(c, name);
  const msg *space = NULL, *type = NULL, *layout = NULL;
  for (size_t i = 0; i < n; i++) {
    const msg **slot = NULL;
    switch (m[i].type) {
    case 0x00:
    case 0x04:
    case 0x05:
    case 0x0e:
    case 0x10:
    case 0x12: break;
    case 0x01: slot = &space; break;
    case 0x03: slot = &type; break;
    case 0x08: slot = &layout; break;
    case 0x11: return refuse(c, "'%.80s' is a group, not a dataset", name);
    default:
      return refuse(c,
                    "'%.80s': unsupported HDF5 message type %u (attribute, "
                    "filter or external storage)",
                    name, m[i].type);
    }
    if (slot != NULL) {
      if (*slot != NULL) return refuse(c, "'%.80s': repeated message", name);
      *slot = &m[i];
    }
  }
  if (space == NULL || type == NULL || layout == NULL)
    return refuse(c, "'%.80s' is not a dataset", name);
  uint64_t count = 0, esize = 0, used = 0;
  if (!check_space(c, space, &count) ||
      !check_dtype(c, type->data, type->size, &used, &esize, 0))
    return named(c, name);
  if (count != 0 && esize > UINT64_MAX / count)
    return refuse(c, "'%.80s': dataset too large", name);
  for (size_t i = 0; i < n; i++)
    if ((m[i].type == 0x04 || m[i].type == 0x05) &&
        !check_fill(c, &m[i], esize))
      return named(c, name);
  return check_layout(c, layout, count * esize) || named(c, name);
}

/* ------------------------------------------------- root group: the names */

/* The local heap of the root group: signature, data segment, free list. */
static bool check_heap(h5c *c, uint64_t addr) {
  unsigned O = c->O, L = c->L;
  uint64_t hlen = 8 + 2 * (uint64_t)L + O;
  const unsigned char *p = at(c, addr, hlen);
  if (p == NULL || memcmp(p, "HEAP", 4) != 0 || p[4] != 0)
    return refuse(c, "bad local heap");
  c->heap_size = le(p + 8, L);
  uint64_t free_off = le(p + 8 + L, L);
  c->heap = le(p + 8 + 2 * L, O);
  if (!add_block(c, addr, hlen, B_HEAP) ||
      !add_block(c, c->heap, c->heap_size, B_HEAPDATA))
    return refuse(c, "local heap data outside the file");
  /* The free list: blocks of (next offset, size) inside the segment. */
  uint64_t undef_l = L == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * L)) - 1;
  for (int k = 0; free_off != undef_l && free_off != 1; k++) {
    if (k > 10000 || free_off > c->heap_size ||
        c->heap_size - free_off < 2 * (uint64_t)L)
      return refuse(c, "bad local heap free list");
    const unsigned char *f = c->img + c->heap + free_off;
    uint64_t next = le(f, L), fsize = le(f + L, L);
    if (fsize > c->heap_size - free_off)
      return refuse(c, "bad local heap free list");
    if (next != undef_l && next != 1 && next <= free_off)
      return refuse(c, "bad local heap free list");
    free_off = next;
  }
  return true;
}

/* The NUL-terminated name at offset off of the heap, or NULL. */
static const char *heap_name(const h5c *c, uint64_t off) {
  if (off >= c->heap_size) return NULL;
  const unsigned char *s = c->img + c->heap + off;
  if (memchr(s, 0, c->heap_size - off) == NULL) return NULL;
  return (const char *)s;
}

/* A symbol table node: its entries must be datasets. */
static bool check_snod(h5c *c, uint64_t addr) {
  unsigned O = c->O;
  uint64_t esz = 2 * (uint64_t)O + 24;
  uint64_t cap = 2 * (uint64_t)c->leaf_k;
  const unsigned char *p = at(c, addr, 8 + cap * esz);
  if (p == NULL || memcmp(p, "SNOD", 4) != 0 || p[4] != 1)
    return refuse(c, "bad symbol table node");
  if (!add_block(c, addr, 8 + cap * esz, B_SNOD)) return false;
  uint64_t n = le(p + 6, 2);
  if (n > cap) return refuse(c, "symbol table node overfull");
  for (uint64_t k = 0; k < n; k++) {
    const unsigned char *e = p + 8 + k * esz;
    const char *name = heap_name(c, le(e, O));
    if (name == NULL) return refuse(c, "bad name in the root group");
    uint32_t cache = (uint32_t)le(e + 2 * O, 4);
    if (cache == 2)
      return refuse(c, "'%.80s' is a soft link, not a dataset", name);
    if (cache != 0) return refuse(c, "'%.80s' is a group, not a dataset", name);
    if (!check_dataset(c, le(e + O, O), name)) return false;
  }
  return true;
}

/* A group B-tree node of `level` (-1: the root, any level). */
static bool check_btree(h5c *c, uint64_t addr, int level, int depth) {
  if (depth > MAX_DEPTH) return refuse(c, "B-tree too deep");
  unsigned O = c->O, L = c->L;
  uint64_t cap = 2 * (uint64_t)c->node_k;
  uint64_t len = 8 + 2 * (uint64_t)O + (cap + 1) * L + cap * O;
  const unsigned char *p = at(c, addr, len);
  if (p == NULL || memcmp(p, "TREE", 4) != 0 || p[4] != 0)
    return refuse(c, "bad group B-tree node");
  if (!add_block(c, addr, len, B_TREE)) return false;
  int lev = p[5];
  uint64_t n = le(p + 6, 2);
  if ((level >= 0 && lev != level) || n > cap)
    return refuse(c, "bad group B-tree node");
  const unsigned char *q = p + 8 + 2 * O;
  for (uint64_t k = 0; k <= n; k++) /* keys: heap offsets of names */
    if (heap_name(c, le(q + k * (L + O), L)) == NULL)
      return refuse(c, "bad group B-tree key");
  for (uint64_t k = 0; k < n; k++) {
    uint64_t child = le(q + k * (L + O) + L, O);
    if (!(lev > 0 ? check_btree(c, child, lev - 1, depth + 1)
                  : check_snod(c, child)))
      return false;
  }
  return true;
}

adex_status adex__h5_precheck(const adex__state *s, const unsigned char *image,
                              size_t size) {
  h5c c;
  memset(&c, 0, sizeof c);
  c.img = image;
  c.size = size;
  c.blocks = adex__alloc(s->alloc, MAX_NODES * sizeof *c.blocks);
  if (c.blocks == NULL)
    return adex__state_fail(s, ADEX_ENOMEM,
                            "out of memory checking the "
                            "file");
  uint64_t root = 0, cbt = 0, cheap = 0;
  bool ok = check_superblock(&c, &root, &cbt, &cheap);
  msg m[MAX_MSGS];
  size_t n = 0;
  uint64_t bt = UINT64_MAX, heap = UINT64_MAX;
  if (ok) ok = read_header(&c, root, m, &n, B_ROOT);
  for (size_t i = 0; ok && i < n; i++) {
    if (m[i].type == 0x11 && bt == UINT64_MAX &&
        m[i].size >= 2 * (uint64_t)c.O) {
      bt = le(m[i].data, c.O);
      heap = le(m[i].data + c.O, c.O);
    } else if (m[i].type == 0x0c || m[i].type == 0x15) {
      ok = refuse(&c,
                  "the root group has attributes (HDF5 message type "
                  "%u), which state files do not have; a state is "
                  "datasets only",
                  m[i].type);
    } else if (m[i].type == 0x02 || m[i].type == 0x06 || m[i].type == 0x0a) {
      ok = refuse(&c,
                  "unsupported root group (HDF5 message type %u; "
                  "write with h5py's default, without track_order)",
                  m[i].type);
    } else if (m[i].type != 0x00 && m[i].type != 0x10 && m[i].type != 0x0e &&
               m[i].type != 0x12) {
      ok = refuse(&c, "unsupported root group (HDF5 message type %u)",
                  m[i].type);
    }
  }
  if (ok && bt == UINT64_MAX)
    ok = refuse(&c, "the root group has no "
                    "symbol table");
  if (ok && cbt != UINT64_MAX && (cbt != bt || cheap != heap))
    ok = refuse(&c, "root group cache disagrees with its header");
  if (ok) ok = check_heap(&c, heap);
  if (ok) ok = check_btree(&c, bt, -1, 0);
  if (ok) ok = check_overlaps(&c);
  adex__free(s->alloc, c.blocks, MAX_NODES * sizeof *c.blocks);
  if (ok) return ADEX_OK;
  return adex__state_fail(s, ADEX_EFORMAT,
                          "damaged or unsupported HDF5 "
                          "file: %s",
                          c.why);
}
