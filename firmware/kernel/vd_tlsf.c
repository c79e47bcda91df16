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
_Static_assert(FL_COUNT <= 32, "fl_bitmap is one word");

#define L2(n) n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n
const uint8_t vd_tlsf_log2_table[256] = {
    0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
    L2(4),
    L2(5), L2(5),
    L2(6), L2(6), L2(6), L2(6),
    L2(7), L2(7), L2(7), L2(7), L2(7), L2(7), L2(7), L2(7),
};

HOT vd_tlsf_block *B(const vd_tlsf *t, uint32_t i)
{
    return &t->blk[i];
}

/* Class index (fl * 16 + sl) of a block of sz granules (sz >= 1). */
HOT uint32_t class_of(uint32_t sz)
{
    uint32_t f;

    if (sz < SL_COUNT)
        return sz; /* fl 0: one class per size */
    f = vd_fls32(sz);
    return ((f - (SL_LOG2 - 1u)) << SL_LOG2) | ((sz >> (f - SL_LOG2)) & (SL_COUNT - 1u));
}

/* First class whose every block holds at least sz granules (may be past the last class). */
HOT uint32_t class_search(uint32_t sz)
{
    uint32_t f, r;

    if (sz < SL_COUNT)
        return sz;
    f = vd_fls32(sz);
    r = sz + (1u << (f - SL_LOG2)) - 1u; /* round up to the next class boundary */
    f += r >> (f + 1u);                  /* the rounding carried into the next power of two */
    return ((f - (SL_LOG2 - 1u)) << SL_LOG2) | ((r >> (f - SL_LOG2)) & (SL_COUNT - 1u));
}

/* Put free block i (size already set) at the head of its class list. */
HOT void insert_free(vd_tlsf *t, uint32_t i)
{
    vd_tlsf_block *b = B(t, i);
    uint32_t c = class_of(b->size);
    uint32_t h = t->head[c];

    b->off |= FREE;
    b->prev_free = (uint16_t)(HEAD | c);
    b->next_free = (uint16_t)h;
    t->head[c] = (uint16_t)i;
    if (h != NIL) {
        B(t, h)->prev_free = (uint16_t)i;
    } else { /* the class was empty: set its bits */
        uint32_t fl = c >> SL_LOG2;
        t->fl_bitmap |= 1u << fl;
        t->sl_bitmap[fl] = (uint16_t)(t->sl_bitmap[fl] | (1u << (c & (SL_COUNT - 1u))));
    }
}

HOT void remove_free(vd_tlsf *t, uint32_t i)
{
    vd_tlsf_block *b = B(t, i);
    uint32_t p = b->prev_free, n = b->next_free;

    b->off &= MASK;
    if (n != NIL)
        B(t, n)->prev_free = (uint16_t)p;
    if (!(p & HEAD)) {
        B(t, p)->next_free = (uint16_t)n;
        return;
    }
    p &= ~HEAD; /* the class index */
    t->head[p] = (uint16_t)n;
    if (n == NIL) { /* the class became empty: clear its bits */
        uint32_t fl = p >> SL_LOG2;
        uint32_t m = t->sl_bitmap[fl] & ~(1u << (p & (SL_COUNT - 1u)));
        t->sl_bitmap[fl] = (uint16_t)m;
        if (m == 0)
            t->fl_bitmap &= ~(1u << fl);
    }
}

/* Head of the first non-empty class at or above class c, or NIL. */
HOT uint32_t find_suitable(const vd_tlsf *t, uint32_t c)
{
    uint32_t fl = c >> SL_LOG2, m;

    if (fl >= FL_COUNT)
        return NIL;
    m = t->sl_bitmap[fl] & (~0u << (c & (SL_COUNT - 1u)));
    if (m == 0) {
        uint32_t fm = t->fl_bitmap & (~1u << fl); /* classes above fl */
        if (fm == 0)
            return NIL;
        fl = vd_ffs32(fm);
        m = t->sl_bitmap[fl];
    }
    return t->head[(fl << SL_LOG2) | vd_ffs32(m)];
}

HOT uint32_t take_spare(vd_tlsf *t)
{
    uint32_t i = t->spare;
    t->spare = B(t, i)->next_free;
    return i;
}

HOT void put_spare(vd_tlsf *t, uint32_t i)
{
    vd_tlsf_block *b = B(t, i);
    b->off = SPARE;
    b->next_free = t->spare;
    t->spare = (uint16_t)i;
}

/* Link a fresh descriptor n (offset off, size sz, used) right after block b. */
HOT void link_after(vd_tlsf *t, uint32_t b, uint32_t n, uint32_t off, uint32_t sz)
{
    vd_tlsf_block *bb = B(t, b), *nb = B(t, n);
    uint32_t nx = bb->next_phys;

    nb->off = off;
    nb->size = sz;
    nb->prev_phys = (uint16_t)b;
    nb->next_phys = (uint16_t)nx;
    if (nx != NIL)
        B(t, nx)->prev_phys = (uint16_t)n;
    else
        t->last = (uint16_t)n;
    bb->next_phys = (uint16_t)n;
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
    for (i = 0; i < FL_COUNT; i++)
        t->sl_bitmap[i] = 0;
    for (i = 0; i < FL_COUNT * SL_COUNT; i++)
        t->head[i] = NIL;
    t->spare = NIL;
    for (i = nblk; i-- > 2;)
        put_spare(t, i);
    blocks[0].off = SPARE; /* the sentinel: never a block */
    blocks[0].size = 0;
    blocks[0].prev_phys = blocks[0].next_phys = blocks[0].prev_free = blocks[0].next_free = NIL;
    blocks[1].off = 0;
    blocks[1].size = t->seg_granules;
    blocks[1].prev_phys = NIL;
    blocks[1].next_phys = NIL;
    t->last = 1;
    insert_free(t, 1);
    return STATUS_SUCCESS;
}

/* Can an aligned run of n granules be placed in free block b? */
static bool fits(const vd_tlsf *t, uint32_t b, uint32_t n, uint32_t am, bool from_end)
{
    uint32_t off = B(t, b)->off & MASK, end = off + B(t, b)->size;

    if (end - off < n)
        return false;
    if (from_end)
        return ((end - n) & ~am) >= off;
    return ((off + am) & ~am) + n <= end;
}

/*
 * Off the hot path: the rounded search skips the class of `need` and, when aligning,
 * the classes between n and need; their heads may still fit (two O(1) checks).
 */
static __attribute__((noinline)) uint32_t find_fallback(const vd_tlsf *t, uint32_t n, uint32_t am,
                                                        bool from_end)
{
    uint32_t c = class_of(n + am), h;

    if ((c >> SL_LOG2) < FL_COUNT && (h = t->head[c]) != NIL && fits(t, h, n, am, from_end))
        return h;
    if (am != 0) {
        c = class_of(n);
        if ((c >> SL_LOG2) < FL_COUNT && (h = t->head[c]) != NIL && fits(t, h, n, am, from_end))
            return h;
    }
    return NIL;
}

vd_ntstatus_t vd_tlsf_alloc(vd_tlsf *t, uint32_t size, uint32_t align, uint32_t flags,
                            uint32_t *block, uint32_t *offset)
{
    bool from_end = (flags & VD_TLSF_FROM_END) != 0;
    vd_tlsf_block *bb;
    uint32_t n, am, b, off, end, s, lead, trail, u;

    if (size == 0 || (align & (align - 1u)) != 0 || align > VD_TLSF_MAX_SEGMENT)
        return STATUS_INVALID_PARAMETER;
    n = (size >> GSHIFT) + ((size & (VD_TLSF_GRANULE - 1u)) != 0); /* no overflow at 2^32-1 */
    if (n > t->seg_granules)
        return STATUS_GRAPHICS_NO_VIDEO_MEMORY;
    am = (align > VD_TLSF_GRANULE) ? (align >> GSHIFT) - 1u : 0u; /* alignment mask, granules */

    b = NIL;
    if (from_end) {
        /* The segment's top block is free and fits: take the top. */
        uint32_t lo = B(t, t->last)->off;
        if ((lo & FREE) && ((t->seg_granules - n) & ~am) >= (lo & MASK))
            b = t->last;
    }
    if (b == NIL) {
        b = find_suitable(t, class_search(n + am)); /* any block there holds n + am */
        if (b == NIL) {
            b = find_fallback(t, n, am, from_end);
            if (b == NIL)
                return STATUS_GRAPHICS_NO_VIDEO_MEMORY;
        }
    }

    bb = B(t, b);
    off = bb->off & MASK;
    end = off + bb->size;
    s = from_end ? ((end - n) & ~am) : ((off + am) & ~am);
    lead = s - off;
    trail = end - s - n;
    if ((lead || trail) &&
        (t->spare == NIL || (lead && trail && B(t, t->spare)->next_free == NIL)))
        return STATUS_NO_MEMORY; /* not enough spare descriptors for the split */

    remove_free(t, b);
    u = b;
    if (lead) {
        u = take_spare(t);
        link_after(t, b, u, s, n);
        bb->size = lead;
        insert_free(t, b);
    } else {
        bb->size = n;
    }
    if (trail) {
        uint32_t w = take_spare(t);
        link_after(t, u, w, s + n, trail);
        insert_free(t, w);
    }
    t->used_granules += n;
    *block = u;
    *offset = s << GSHIFT;
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_tlsf_free(vd_tlsf *t, uint32_t block, uint32_t offset)
{
    vd_tlsf_block *cb, *pb, *nb;
    uint32_t start, p, nx;

    if (block - 1u >= t->nblk - 1u) /* 0 (the sentinel) or out of range */
        return STATUS_INVALID_PARAMETER;
    cb = B(t, block);
    start = cb->off; /* a live allocation has no state bits */
    if ((start & (FREE | SPARE)) != 0 || (offset & (VD_TLSF_GRANULE - 1u)) != 0 ||
        (offset >> GSHIFT) != start)
        return STATUS_INVALID_PARAMETER;
    t->used_granules -= cb->size;

    p = cb->prev_phys;
    pb = B(t, p);
    if (pb->off & FREE) { /* the sentinel (p == 0) is never free */
        /* merge into the lower neighbour */
        remove_free(t, p);
        nx = cb->next_phys;
        pb->size += cb->size;
        pb->next_phys = (uint16_t)nx;
        if (nx != NIL)
            B(t, nx)->prev_phys = (uint16_t)p;
        else
            t->last = (uint16_t)p;
        put_spare(t, block);
        block = p;
        cb = pb;
    }
    nx = cb->next_phys;
    nb = B(t, nx);
    if (nb->off & FREE) {
        /* absorb the upper neighbour */
        uint32_t nn = nb->next_phys;
        remove_free(t, nx);
        cb->size += nb->size;
        cb->next_phys = (uint16_t)nn;
        if (nn != NIL)
            B(t, nn)->prev_phys = (uint16_t)block;
        else
            t->last = (uint16_t)block;
        put_spare(t, nx);
    }
    insert_free(t, block);
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

    if (t->nblk < 2 || t->nblk > VD_TLSF_MAX_BLOCKS_LIMIT || t->blk[0].off != SPARE ||
        t->blk[0].next_phys != NIL || t->blk[0].prev_free != NIL || (t->blk[1].off & SPARE) ||
        (t->blk[1].off & MASK) != 0 || t->blk[1].prev_phys != NIL)
        return -1;
    /* Physical walk: contiguous, ordered, sizes, back links, no two free neighbours. */
    for (i = 1; i != NIL; i = t->blk[i].next_phys) {
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
    if (expect != t->seg_granules || prev != t->last)
        return -7;
    if (gused != t->used_granules)
        return -8;
    /* Free lists: entries free and of their class, back links, bitmaps match emptiness. */
    for (c = 0; c < FL_COUNT * SL_COUNT; c++) {
        uint32_t p = HEAD | c, cnt = 0;
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
