/* vd_tlsf.c - TLSF segment allocator with out-of-band block descriptors (vd_tlsf.h). */
#include "vd_tlsf.h"

#include <stddef.h>

#define NIL      VD_TLSF_NIL
#define HEAD     VD_TLSF_HEAD
#define FREE     VD_TLSF_ST_FREE
#define SPARE    VD_TLSF_ST_SPARE
#define MASK     VD_TLSF_OFF_MASK
#define FL_COUNT VD_TLSF_FL_COUNT
#define SL_LOG2  VD_TLSF_SL_LOG2
#define SL_COUNT VD_TLSF_SL_COUNT
#define GSHIFT   VD_TLSF_GRANULE_SHIFT

/* Hot-path helpers are forced inline so -Os keeps allocate/free free of call overhead. */
#define HOT static inline __attribute__((always_inline))

_Static_assert(VD_TLSF_MAX_BLOCKS <= VD_TLSF_MAX_BLOCKS_LIMIT, "descriptor ids fit 15 bits");
_Static_assert(sizeof(vd_tlsf_block) == 16, "descriptor id -> address is one shift");
_Static_assert(FL_COUNT * SL_COUNT < 0x7FFFu, "class index fits the head marker");
_Static_assert(FL_COUNT <= 24, "fl_bitmap: find_suitable looks at bits 0..23");

#define L2(n) n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n
const uint8_t vd_tlsf_log2_table[256] = {
    0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
    L2(4),
    L2(5), L2(5),
    L2(6), L2(6), L2(6), L2(6),
    L2(7), L2(7), L2(7), L2(7), L2(7), L2(7), L2(7), L2(7),
};

/* class_of() of 0..255 granules: fl 0 and 1 one class per size, then 2, 4, 8 sizes a class. */
#define CS(s) ((s) < 32 ? (s) : (s) < 64 ? 32 + ((s) - 32) / 2 : (s) < 128 ? 48 + ((s) - 64) / 4 \
                                                           : 64 + ((s) - 128) / 8)
#define CS4(s)  CS(s), CS((s) + 1), CS((s) + 2), CS((s) + 3)
#define CS16(s) CS4(s), CS4((s) + 4), CS4((s) + 8), CS4((s) + 12)
#define CS64(s) CS16(s), CS16((s) + 16), CS16((s) + 32), CS16((s) + 48)
static const uint8_t class_small[256] = {CS64(0), CS64(64), CS64(128), CS64(192)};

/*
 * Class index (fl * 16 + sl) of a block of sz granules: a table below 256 granules, else
 * sh = floor(log2(sz)) - 4 and class = sh * 16 + (sz >> sh) (sz >> sh is 16..31, which
 * carries the fl step). Class indices are contiguous in size, so the first class whose every
 * block holds at least `need` granules is class_of(need - 1) + 1.
 */
HOT uint32_t class_of(uint32_t sz)
{
    uint32_t sh;

    if (sz < 256u)
        return class_small[sz];
    if (sz < 0x10000u) {
        sh = 4u + vd_tlsf_log2_table[sz >> 8];
    } else {
#if VD_TLSF_SEGMENT_MAX_LOG2 + 1 - VD_TLSF_GRANULE_SHIFT > 24
        if (sz >> 24)
            sh = 20u + vd_tlsf_log2_table[sz >> 24];
        else
#endif
            sh = 12u + vd_tlsf_log2_table[sz >> 16];
    }
    return (sh << SL_LOG2) + (sz >> sh);
}

/* Put free block i (offset word `offw` without the state bit, size set) at the head of class c. */
HOT void insert_free(vd_tlsf *t, vd_tlsf_block *k, uint32_t i, uint32_t c)
{
    vd_tlsf_block *b = &k[i];
    uint32_t h = t->head[c];

    b->prev_free = (uint16_t)~c;
    b->next_free = (uint16_t)h;
    t->head[c] = (uint16_t)i;
    if (h != NIL) {
        k[h].prev_free = (uint16_t)i;
    } else { /* the class was empty: set its bits */
        uint32_t fl = c >> SL_LOG2;
        t->fl_bitmap |= 1u << fl;
        t->sl_bitmap[fl] = (uint16_t)(t->sl_bitmap[fl] | (1u << (c & (SL_COUNT - 1u))));
    }
}

/* Unlink free block i from its class list (its state bit is left to the caller). */
HOT void remove_free(vd_tlsf *t, vd_tlsf_block *k, uint32_t i)
{
    vd_tlsf_block *b = &k[i];
    int32_t p = *(const int16_t *)&b->prev_free; /* negative: the head, ~class (one lh) */
    uint32_t n = b->next_free;

    k[n].prev_free = (uint16_t)p; /* n == 0: the sentinel's, never read */
    if (p >= 0) {
        k[p].next_free = (uint16_t)n;
        return;
    }
    p = ~p; /* the class index */
    t->head[p] = (uint16_t)n;
    if (n == NIL) { /* the class became empty: clear its bits */
        uint32_t fl = (uint32_t)p >> SL_LOG2;
        uint32_t m = t->sl_bitmap[fl] & ~(1u << (p & (SL_COUNT - 1u)));
        t->sl_bitmap[fl] = (uint16_t)m;
        if (m == 0)
            t->fl_bitmap &= ~(1u << fl);
    }
}

/* Class of free block b: its list head marks it, else from its size. */
HOT uint32_t class_of_free(const vd_tlsf_block *b)
{
    int32_t p = *(const int16_t *)&b->prev_free;
    return p < 0 ? (uint32_t)~p : class_of(b->size);
}

/* Index of the lowest set bit of a non-zero 16-bit mask. */
HOT uint32_t ffs16(uint32_t m)
{
    m &= 0u - m;
    if (m < 256u)
        return vd_tlsf_log2_table[m];
    return 8u + vd_tlsf_log2_table[m >> 8];
}

/* Head of the first non-empty class at or above class *c (updated to its class), or NIL. */
HOT uint32_t find_suitable(const vd_tlsf *t, uint32_t *cp)
{
    uint32_t c = *cp, fl = c >> SL_LOG2, m;

    if (c >= FL_COUNT * SL_COUNT)
        return NIL;
    m = t->sl_bitmap[fl] & (~0u << (c & (SL_COUNT - 1u)));
    if (m == 0) {
        uint32_t fm = t->fl_bitmap & (~1u << fl); /* classes above fl */
        if (fm == 0)
            return NIL;
        fm &= 0u - fm; /* the lowest set bit, below bit FL_COUNT */
        if (fm < 256u)
            fl = vd_tlsf_log2_table[fm];
        else if (fm < 0x10000u)
            fl = 8u + vd_tlsf_log2_table[fm >> 8];
        else
            fl = 16u + vd_tlsf_log2_table[fm >> 16];
        m = t->sl_bitmap[fl];
    }
    c = (fl << SL_LOG2) + ffs16(m);
    *cp = c;
    return t->head[c];
}

HOT uint32_t take_spare(vd_tlsf *t, vd_tlsf_block *k)
{
    uint32_t i = t->spare;
    t->spare = k[i].next_free;
    return i;
}

HOT void put_spare(vd_tlsf *t, vd_tlsf_block *k, uint32_t i)
{
    vd_tlsf_block *b = &k[i];
    b->off = SPARE;
    b->next_free = t->spare;
    t->spare = (uint16_t)i;
}

vd_ntstatus_t vd_tlsf_init(vd_tlsf *t, vd_tlsf_block *blocks, uint32_t nblk, uint32_t seg_bytes)
{
    uint32_t i;

    if (blocks == NULL || nblk < 2 || nblk > VD_TLSF_MAX_BLOCKS_LIMIT || seg_bytes == 0 ||
        (seg_bytes & (VD_TLSF_GRANULE - 1u)) != 0 || seg_bytes > VD_TLSF_MAX_SEGMENT)
        return STATUS_INVALID_PARAMETER;
    t->blk = blocks;
    t->nblk = nblk;
    t->seg_granules = seg_bytes >> GSHIFT;
    t->fl_bitmap = 0;
    t->used_granules = 0;
    t->reserved = 0;
    for (i = 0; i < FL_COUNT; i++)
        t->sl_bitmap[i] = 0;
    for (i = 0; i < FL_COUNT * SL_COUNT; i++)
        t->head[i] = NIL;
    t->spare = NIL;
    for (i = nblk; i-- > 2;)
        put_spare(t, blocks, i);
    blocks[0].off = SPARE; /* the sentinel: never a block, never free */
    blocks[0].size = 0;
    blocks[0].prev_phys = blocks[0].next_phys = 1; /* the ring of physical neighbours */
    blocks[0].prev_free = blocks[0].next_free = NIL;
    blocks[1].off = FREE;
    blocks[1].size = t->seg_granules;
    blocks[1].prev_phys = NIL;
    blocks[1].next_phys = NIL;
    insert_free(t, blocks, 1, class_of(t->seg_granules));
    return STATUS_SUCCESS;
}

/*
 * Cut n granules at granule s out of free block b (class c, granules [s - lo, s + n + hi)),
 * which holds them; the
 * descriptors the split needs are there (checked by the caller). b keeps the side away
 * from the alignment gap (the top for a bottom-up allocation, the bottom for FromEnd), in
 * place when it stays in class c; a new descriptor takes the allocation, another the gap.
 * Stores the allocation's descriptor in *block.
 */
HOT void carve(vd_tlsf *t, vd_tlsf_block *k, uint32_t b, uint32_t c, uint32_t s, uint32_t n,
               uint32_t lo, uint32_t hi, bool from_end, uint32_t *block)
{
    vd_tlsf_block *bb = &k[b], *ub, *gb;
    uint32_t off = s - lo, u, g, keep, cn;

    if ((lo | hi) == 0) { /* exact fit: b becomes the allocation */
        *block = b;
        remove_free(t, k, b);
        bb->off = off;
        return;
    }
    u = take_spare(t, k);
    *block = u;
    ub = &k[u];
    ub->off = s;
    ub->size = n;
    if (from_end ? lo == 0 : hi != 0) {
        /* b keeps [s + n, end); the allocation and the gap [off, s) go below it */
        uint32_t p = bb->prev_phys;
        ub->next_phys = (uint16_t)b;
        bb->prev_phys = (uint16_t)u;
        if (lo != 0) {
            g = take_spare(t, k);
            gb = &k[g];
            gb->off = off | FREE;
            gb->size = lo;
            gb->prev_phys = (uint16_t)p;
            gb->next_phys = (uint16_t)u;
            ub->prev_phys = (uint16_t)g;
            k[p].next_phys = (uint16_t)g;
            insert_free(t, k, g, class_of(lo));
        } else {
            ub->prev_phys = (uint16_t)p;
            k[p].next_phys = (uint16_t)u;
        }
        bb->off = (s + n) | FREE;
        keep = hi;
    } else {
        /* b keeps [off, s); the allocation and the gap [s + n, end) go above it */
        uint32_t x = bb->next_phys;
        ub->prev_phys = (uint16_t)b;
        bb->next_phys = (uint16_t)u;
        if (hi != 0) {
            g = take_spare(t, k);
            gb = &k[g];
            gb->off = (s + n) | FREE;
            gb->size = hi;
            gb->prev_phys = (uint16_t)u;
            gb->next_phys = (uint16_t)x;
            ub->next_phys = (uint16_t)g;
            k[x].prev_phys = (uint16_t)g;
            insert_free(t, k, g, class_of(hi));
        } else {
            ub->next_phys = (uint16_t)x;
            k[x].prev_phys = (uint16_t)u;
        }
        keep = lo;
    }
    bb->size = keep;
    cn = class_of(keep);
    if (cn != c) {
        remove_free(t, k, b);
        insert_free(t, k, b, cn);
    }
}

/* Not enough spare descriptors for a split leaving lo and hi granules free? */
HOT bool short_of_spares(const vd_tlsf *t, const vd_tlsf_block *k, uint32_t lo, uint32_t hi)
{
    return (lo | hi) != 0 && (t->spare == NIL || (lo != 0 && hi != 0 && k[t->spare].next_free == NIL));
}

/*
 * Off the hot path: the rounded search found nothing, so no class from class_of(n + am - 1)
 * + 1 on has a block. Blocks that may still hold n granules at the alignment are in the
 * classes class_of(n) .. class_of(n + am - 1) (below class_of(n) every block is smaller than
 * n): walk every block of every non-empty one of them (the bitmaps skip empty classes),
 * smallest class first, and take the first that fits. So "no space" is only said when no
 * free block can hold the request with its alignment. Bounded by the number of free blocks
 * (at most live allocations + 1, the descriptor pool's bound); each costs one fits() test.
 */
static __attribute__((noinline)) vd_ntstatus_t alloc_fallback(vd_tlsf *t, uint32_t n, uint32_t am,
                                                              bool from_end, uint32_t *block,
                                                              uint32_t *offset)
{
    vd_tlsf_block *k = t->blk;
    uint32_t c = class_of(n), last = class_of(n + am - 1u), b, off, end, s, lo, hi;

    for (;; c++) {
        b = find_suitable(t, &c); /* the next non-empty class at or above c */
        if (b == NIL || c > last)
            return STATUS_GRAPHICS_NO_VIDEO_MEMORY;
        for (; b != NIL; b = k[b].next_free) {
            off = k[b].off & MASK;
            end = off + k[b].size;
            if (end - off < n)
                continue;
            s = from_end ? ((end - n) & ~am) : ((off + am) & ~am);
            if (s >= off && s + n <= end)
                goto found;
        }
    }
found:
    lo = s - off;
    hi = end - s - n;
    if (short_of_spares(t, k, lo, hi))
        return STATUS_NO_MEMORY;
    *offset = s << GSHIFT;
    t->used_granules += n;
    carve(t, k, b, c, s, n, lo, hi, from_end, block);
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_tlsf_alloc(vd_tlsf *t, uint32_t size, uint32_t align, uint32_t flags,
                            uint32_t *block, uint32_t *offset)
{
    bool from_end = (flags & VD_TLSF_FROM_END) != 0;
    vd_tlsf_block *k = t->blk, *bb;
    uint32_t n, am, b, c, off, end, s, lo, hi;

    if (size == 0 || (align & (align - 1u)) != 0 || align > VD_TLSF_MAX_SEGMENT)
        return STATUS_INVALID_PARAMETER;
    n = (size >> GSHIFT) + ((size & (VD_TLSF_GRANULE - 1u)) != 0); /* no overflow at 2^32-1 */
    if (n > t->seg_granules)
        return STATUS_GRAPHICS_NO_VIDEO_MEMORY;
    am = (align > VD_TLSF_GRANULE) ? (align >> GSHIFT) - 1u : 0u; /* alignment mask, granules */

    if (from_end) {
        /* The segment's top block is free and fits: take the top. */
        b = k[0].prev_phys;
        bb = &k[b];
        off = bb->off;
        s = (t->seg_granules - n) & ~am;
        if ((int32_t)off < 0 && s >= (off & MASK)) {
            off &= MASK;
            end = t->seg_granules;
            c = class_of_free(bb);
            goto found;
        }
    }
    c = class_of(n + am - 1u) + 1u; /* every block from class c on holds n + am */
    b = find_suitable(t, &c);
    if (b == NIL)
        return alloc_fallback(t, n, am, from_end, block, offset);
    bb = &k[b];
    off = bb->off & MASK;
    end = off + bb->size;
    s = from_end ? ((end - n) & ~am) : ((off + am) & ~am);
found:
    lo = s - off;
    hi = end - s - n;
    if (short_of_spares(t, k, lo, hi))
        return STATUS_NO_MEMORY; /* not enough spare descriptors for the split */
    *offset = s << GSHIFT;
    t->used_granules += n;
    carve(t, k, b, c, s, n, lo, hi, from_end, block);
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_tlsf_free(vd_tlsf *t, uint32_t block, uint32_t offset)
{
    vd_tlsf_block *k = t->blk, *cb, *pb, *nb, *sb;
    uint32_t start, sz, p, nx, keep, old, cn;

    if (block - 1u >= t->nblk - 1u) /* 0 (the sentinel) or out of range */
        return STATUS_INVALID_PARAMETER;
    cb = &k[block];
    start = cb->off; /* a live allocation has no state bits */
    if (start > MASK || (start << GSHIFT) != offset)
        return STATUS_INVALID_PARAMETER;
    sz = cb->size;
    t->used_granules -= sz;
    p = cb->prev_phys;
    nx = cb->next_phys;
    pb = &k[p];
    nb = &k[nx];
    if ((int32_t)pb->off < 0) { /* the lower neighbour is free (the sentinel never is) */
        keep = p;
        sb = pb;
        put_spare(t, k, block);
        if ((int32_t)nb->off < 0) { /* and the upper one: absorb it too */
            uint32_t nn = nb->next_phys;
            remove_free(t, k, nx);
            sz += nb->size;
            put_spare(t, k, nx);
            nx = nn;
        }
        pb->next_phys = (uint16_t)nx;
        k[nx].prev_phys = (uint16_t)p;
    } else if ((int32_t)nb->off < 0) { /* only the upper one: it grows down */
        keep = nx;
        sb = nb;
        sb->off = start | FREE;
        sb->prev_phys = (uint16_t)p;
        pb->next_phys = (uint16_t)nx;
        put_spare(t, k, block);
    } else { /* no free neighbour */
        cb->off = start | FREE;
        insert_free(t, k, block, class_of(sz));
        return STATUS_SUCCESS;
    }
    /* sb (descriptor keep) is free and listed; it grows by sz */
    old = sb->size;
    sz += old;
    sb->size = sz;
    cn = class_of(sz);
    if (sb->prev_free & HEAD ? cn != (uint16_t)~sb->prev_free : cn != class_of(old)) {
        remove_free(t, k, keep);
        insert_free(t, k, keep, cn);
    }
    return STATUS_SUCCESS;
}

/* ---- diagnostics (not on the hot path) ---- */

void vd_tlsf_get_stats(const vd_tlsf *t, vd_tlsf_stats *s)
{
    uint32_t c, i, nfree = 0, nspare = 0, lf = 0, fr = t->seg_granules - t->used_granules;

    for (i = t->spare; i != NIL && nspare < t->nblk; i = t->blk[i].next_free)
        nspare++;
    for (c = 0; c < FL_COUNT * SL_COUNT; c++) {
        for (i = t->head[c]; i != NIL; i = t->blk[i].next_free) {
            uint32_t sz = t->blk[i].size;
            nfree++;
            if (sz > lf)
                lf = sz;
        }
    }
    s->total_bytes = t->seg_granules << GSHIFT;
    s->used_bytes = t->used_granules << GSHIFT;
    s->free_bytes = fr << GSHIFT;
    s->largest_free_bytes = lf << GSHIFT;
    s->free_blocks = nfree;
    s->used_blocks = t->nblk - 1u - nspare - nfree;
    s->spare_descriptors = nspare;
    if (fr == 0) {
        s->fragmentation_permille = 0;
    } else {
        /* Scale both below 2^22 so the product with 1000 fits in 32 bits. */
        while (fr >= (1u << 22)) {
            fr >>= 1;
            lf >>= 1;
        }
        s->fragmentation_permille = 1000u - (lf * 1000u) / fr;
    }
}

int vd_tlsf_check(const vd_tlsf *t)
{
    uint32_t i, prev = NIL, expect = 0, nused = 0, nfree = 0, gused = 0;
    uint32_t listed = 0, nspare = 0, c, steps = 0;

    /* The sentinel's free-list links are scratch (unlinking writes them); its physical
     * links close the ring: next_phys the lowest block, prev_phys the highest. */
    if (t->nblk < 2 || t->nblk > VD_TLSF_MAX_BLOCKS_LIMIT || t->blk[0].off != SPARE ||
        t->blk[0].next_phys == NIL || t->reserved != 0)
        return -1;
    /* Physical walk: contiguous, ordered, sizes, back links, no two free neighbours. */
    for (i = t->blk[0].next_phys; i != NIL; i = t->blk[i].next_phys) {
        uint32_t st, sz;
        if (i >= t->nblk || ++steps > t->nblk)
            return -2; /* bad link or cycle */
        st = t->blk[i].off;
        sz = t->blk[i].size;
        if (st & SPARE)
            return -3;
        if ((st & MASK) != expect || t->blk[i].prev_phys != prev)
            return -4;
        if (sz == 0 || sz > t->seg_granules - expect)
            return -5;
        if (st & FREE) {
            if (prev != NIL && (t->blk[prev].off & FREE))
                return -6; /* not coalesced */
            nfree++;
        } else {
            nused++;
            gused += sz;
        }
        expect += sz;
        prev = i;
    }
    if (expect != t->seg_granules || prev != t->blk[0].prev_phys)
        return -7;
    if (gused != t->used_granules)
        return -8;
    /* Free lists: entries free and of their class, back links, bitmaps match emptiness. */
    for (c = 0; c < FL_COUNT * SL_COUNT; c++) {
        uint32_t p = (uint16_t)~c, cnt = 0;
        bool bit = ((t->sl_bitmap[c >> SL_LOG2] >> (c & (SL_COUNT - 1u))) & 1u) != 0;
        for (i = t->head[c]; i != NIL; i = t->blk[i].next_free) {
            if (i >= t->nblk || ++cnt > t->nblk)
                return -9;
            if (!(t->blk[i].off & FREE) || t->blk[i].prev_free != p)
                return -10;
            if (class_of(t->blk[i].size) != c)
                return -11;
            p = i;
        }
        if (bit != (cnt != 0))
            return -12;
        listed += cnt;
    }
    for (c = 0; c < FL_COUNT; c++)
        if ((((t->fl_bitmap >> c) & 1u) != 0) != (t->sl_bitmap[c] != 0))
            return -13;
    if (listed != nfree)
        return -14;
    for (i = t->spare; i != NIL; i = t->blk[i].next_free) {
        if (i >= t->nblk || ++nspare > t->nblk || t->blk[i].off != SPARE)
            return -15;
    }
    if (1u + nspare + nused + nfree != t->nblk)
        return -16;
    return 0;
}

int vd_tlsf_block_info(const vd_tlsf *t, uint32_t block, uint32_t *offset, uint32_t *size)
{
    uint32_t st;

    if (block == NIL || block >= t->nblk)
        return -1;
    st = t->blk[block].off;
    if (st & SPARE)
        return 2;
    if (offset)
        *offset = (st & MASK) << GSHIFT;
    if (size)
        *size = t->blk[block].size << GSHIFT;
    return (st & FREE) ? 1 : 0;
}
