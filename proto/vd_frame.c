/*
 * vd_frame.c - see vd_frame.h.
 *
 * Written for the firmware's core (PicoRV32, RV32I, no barrel shifter: about 3 cycles per
 * ALU instruction, 5 per load or store, 5 per taken branch, and a shift by k costs about
 * 4 + k/4 + k%4 cycles), where every byte on a 3 Mbaud line leaves 40 cycles:
 *   - CRC-32C over aligned words, one load per 4 bytes, the table as const data with
 *     pre-scaled offsets;
 *   - COBS a block at a time: a counted, unrolled copy that stops at a zero;
 *   - decoding keeps the CRC up to date as blocks arrive, over the whole body including
 *     the CRC field, and checks the CRC-32C residue at the delimiter: no pass at the end.
 * docs/wire.md (Performance) has the measurements; make bench-codec repeats them.
 */
#include "vd_frame.h"

/* Word loads from byte buffers, only where the compiler is told they may alias (GCC,
 * Clang) and the target is little-endian; anywhere else the codec runs byte by byte. */
#ifndef VD_FRAME_WORDS
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define VD_FRAME_WORDS 1
#else
#define VD_FRAME_WORDS 0
#endif
#endif
#if VD_FRAME_WORDS
typedef uint32_t __attribute__((__may_alias__)) vd_frame_u32;
#endif

/* One CRC table (1 KiB; the word is still loaded at once). Slicing-by-4 would save ~6
 * cycles a byte on PicoRV32 for 3 KiB more of the firmware's RAM, which it does not have;
 * one variant everywhere, so the unit tests and fuzzers run exactly what the firmware ships. */

/* The CRC register after a body followed by its own CRC-32C (little-endian): a body is
 * intact exactly when running the CRC over all of it ends here. */
#define CRC_RESIDUE 0xB798B438u

/* The byte-at-a-time table of the reflected polynomial 0x82F63B78. */
static const uint32_t crc_table[256] = {
    0x00000000u, 0xF26B8303u, 0xE13B70F7u, 0x1350F3F4u, 0xC79A971Fu, 0x35F1141Cu,
    0x26A1E7E8u, 0xD4CA64EBu, 0x8AD958CFu, 0x78B2DBCCu, 0x6BE22838u, 0x9989AB3Bu,
    0x4D43CFD0u, 0xBF284CD3u, 0xAC78BF27u, 0x5E133C24u, 0x105EC76Fu, 0xE235446Cu,
    0xF165B798u, 0x030E349Bu, 0xD7C45070u, 0x25AFD373u, 0x36FF2087u, 0xC494A384u,
    0x9A879FA0u, 0x68EC1CA3u, 0x7BBCEF57u, 0x89D76C54u, 0x5D1D08BFu, 0xAF768BBCu,
    0xBC267848u, 0x4E4DFB4Bu, 0x20BD8EDEu, 0xD2D60DDDu, 0xC186FE29u, 0x33ED7D2Au,
    0xE72719C1u, 0x154C9AC2u, 0x061C6936u, 0xF477EA35u, 0xAA64D611u, 0x580F5512u,
    0x4B5FA6E6u, 0xB93425E5u, 0x6DFE410Eu, 0x9F95C20Du, 0x8CC531F9u, 0x7EAEB2FAu,
    0x30E349B1u, 0xC288CAB2u, 0xD1D83946u, 0x23B3BA45u, 0xF779DEAEu, 0x05125DADu,
    0x1642AE59u, 0xE4292D5Au, 0xBA3A117Eu, 0x4851927Du, 0x5B016189u, 0xA96AE28Au,
    0x7DA08661u, 0x8FCB0562u, 0x9C9BF696u, 0x6EF07595u, 0x417B1DBCu, 0xB3109EBFu,
    0xA0406D4Bu, 0x522BEE48u, 0x86E18AA3u, 0x748A09A0u, 0x67DAFA54u, 0x95B17957u,
    0xCBA24573u, 0x39C9C670u, 0x2A993584u, 0xD8F2B687u, 0x0C38D26Cu, 0xFE53516Fu,
    0xED03A29Bu, 0x1F682198u, 0x5125DAD3u, 0xA34E59D0u, 0xB01EAA24u, 0x42752927u,
    0x96BF4DCCu, 0x64D4CECFu, 0x77843D3Bu, 0x85EFBE38u, 0xDBFC821Cu, 0x2997011Fu,
    0x3AC7F2EBu, 0xC8AC71E8u, 0x1C661503u, 0xEE0D9600u, 0xFD5D65F4u, 0x0F36E6F7u,
    0x61C69362u, 0x93AD1061u, 0x80FDE395u, 0x72966096u, 0xA65C047Du, 0x5437877Eu,
    0x4767748Au, 0xB50CF789u, 0xEB1FCBADu, 0x197448AEu, 0x0A24BB5Au, 0xF84F3859u,
    0x2C855CB2u, 0xDEEEDFB1u, 0xCDBE2C45u, 0x3FD5AF46u, 0x7198540Du, 0x83F3D70Eu,
    0x90A324FAu, 0x62C8A7F9u, 0xB602C312u, 0x44694011u, 0x5739B3E5u, 0xA55230E6u,
    0xFB410CC2u, 0x092A8FC1u, 0x1A7A7C35u, 0xE811FF36u, 0x3CDB9BDDu, 0xCEB018DEu,
    0xDDE0EB2Au, 0x2F8B6829u, 0x82F63B78u, 0x709DB87Bu, 0x63CD4B8Fu, 0x91A6C88Cu,
    0x456CAC67u, 0xB7072F64u, 0xA457DC90u, 0x563C5F93u, 0x082F63B7u, 0xFA44E0B4u,
    0xE9141340u, 0x1B7F9043u, 0xCFB5F4A8u, 0x3DDE77ABu, 0x2E8E845Fu, 0xDCE5075Cu,
    0x92A8FC17u, 0x60C37F14u, 0x73938CE0u, 0x81F80FE3u, 0x55326B08u, 0xA759E80Bu,
    0xB4091BFFu, 0x466298FCu, 0x1871A4D8u, 0xEA1A27DBu, 0xF94AD42Fu, 0x0B21572Cu,
    0xDFEB33C7u, 0x2D80B0C4u, 0x3ED04330u, 0xCCBBC033u, 0xA24BB5A6u, 0x502036A5u,
    0x4370C551u, 0xB11B4652u, 0x65D122B9u, 0x97BAA1BAu, 0x84EA524Eu, 0x7681D14Du,
    0x2892ED69u, 0xDAF96E6Au, 0xC9A99D9Eu, 0x3BC21E9Du, 0xEF087A76u, 0x1D63F975u,
    0x0E330A81u, 0xFC588982u, 0xB21572C9u, 0x407EF1CAu, 0x532E023Eu, 0xA145813Du,
    0x758FE5D6u, 0x87E466D5u, 0x94B49521u, 0x66DF1622u, 0x38CC2A06u, 0xCAA7A905u,
    0xD9F75AF1u, 0x2B9CD9F2u, 0xFF56BD19u, 0x0D3D3E1Au, 0x1E6DCDEEu, 0xEC064EEDu,
    0xC38D26C4u, 0x31E6A5C7u, 0x22B65633u, 0xD0DDD530u, 0x0417B1DBu, 0xF67C32D8u,
    0xE52CC12Cu, 0x1747422Fu, 0x49547E0Bu, 0xBB3FFD08u, 0xA86F0EFCu, 0x5A048DFFu,
    0x8ECEE914u, 0x7CA56A17u, 0x6FF599E3u, 0x9D9E1AE0u, 0xD3D3E1ABu, 0x21B862A8u,
    0x32E8915Cu, 0xC083125Fu, 0x144976B4u, 0xE622F5B7u, 0xF5720643u, 0x07198540u,
    0x590AB964u, 0xAB613A67u, 0xB831C993u, 0x4A5A4A90u, 0x9E902E7Bu, 0x6CFBAD78u,
    0x7FAB5E8Cu, 0x8DC0DD8Fu, 0xE330A81Au, 0x115B2B19u, 0x020BD8EDu, 0xF0605BEEu,
    0x24AA3F05u, 0xD6C1BC06u, 0xC5914FF2u, 0x37FACCF1u, 0x69E9F0D5u, 0x9B8273D6u,
    0x88D28022u, 0x7AB90321u, 0xAE7367CAu, 0x5C18E4C9u, 0x4F48173Du, 0xBD23943Eu,
    0xF36E6F75u, 0x0105EC76u, 0x12551F82u, 0xE03E9C81u, 0x34F4F86Au, 0xC69F7B69u,
    0xD5CF889Du, 0x27A40B9Eu, 0x79B737BAu, 0x8BDCB4B9u, 0x988C474Du, 0x6AE7C44Eu,
    0xBE2DA0A5u, 0x4C4623A6u, 0x5F16D052u, 0xAD7D5351u,
};

/* Table entry at byte offset off (a multiple of 4): the index arrives pre-scaled, so no
 * shift by 2 is needed for it (a shift by 2 costs as much as two ALU instructions). */
#define CRC_AT(off) (*(const uint32_t *)(const void *)((const uint8_t *)crc_table + (off)))

static inline uint32_t crc_byte(uint32_t c, uint8_t b)
{
    return crc_table[(c ^ b) & 0xFFu] ^ (c >> 8);
}

/* The CRC over [p, e), both 4-byte aligned, a word at a time: four dependent byte steps
 * on the word loaded once. */
static uint32_t crc_words(uint32_t c, const uint8_t *p, const uint8_t *e)
{
#if VD_FRAME_WORDS
    const vd_frame_u32 *w = (const vd_frame_u32 *)(const void *)p;
    const vd_frame_u32 *we = (const vd_frame_u32 *)(const void *)e;
    while (w != we) {
        uint32_t x = c ^ *w++;
        x = CRC_AT((x << 2) & 0x3FCu) ^ (x >> 8);
        x = CRC_AT((x << 2) & 0x3FCu) ^ (x >> 8);
        x = CRC_AT((x << 2) & 0x3FCu) ^ (x >> 8);
        c = CRC_AT((x << 2) & 0x3FCu) ^ (x >> 8);
    }
#else
    while (p != e)
        c = crc_byte(c, *p++);
#endif
    return c;
}

/* The CRC register over any bytes: a byte at a time up to alignment, then words. */
static uint32_t crc_update(uint32_t c, const uint8_t *p, size_t len)
{
    const uint8_t *e = p + len;
    while (p != e && ((uintptr_t)p & 3u) != 0)
        c = crc_byte(c, *p++);
    const uint8_t *we = p + ((size_t)(e - p) & ~(size_t)3);
    c = crc_words(c, p, we);
    for (p = we; p != e; p++)
        c = crc_byte(c, *p);
    return c;
}

uint32_t vd_crc32c(uint32_t crc, const void *data, size_t len)
{
    return ~crc_update(~crc, (const uint8_t *)data, len);
}

/* Copy at most k bytes from s to d, stopping before a zero; returns the bytes copied.
 * Unrolled by 4 with one end test per 4 bytes: ~14 cycles a byte on PicoRV32. */
static inline size_t copy_nz(uint8_t *d, const uint8_t *s, size_t k)
{
    const uint8_t *s0 = s;
    const uint8_t *e4 = s + (k & ~(size_t)3);
    while (s != e4) {
        uint8_t a = s[0], b;
        if (a == 0)
            goto done;
        d[0] = a;
        b = s[1];
        if (b == 0) {
            s += 1;
            goto done;
        }
        d[1] = b;
        a = s[2];
        if (a == 0) {
            s += 2;
            goto done;
        }
        d[2] = a;
        b = s[3];
        if (b == 0) {
            s += 3;
            goto done;
        }
        d[3] = b;
        s += 4;
        d += 4;
    }
    for (k &= 3; k != 0; k--) {
        uint8_t a = *s;
        if (a == 0)
            break;
        *d++ = a;
        s++;
    }
done:
    return (size_t)(s - s0);
}

/* COBS-encode [s, e) into o, continuing the block whose code byte goes to *code_io; returns
 * the next output position. Blocks close as the byte-at-a-time encoder closed them (at a
 * zero, or after 254 data bytes), so the output is the same byte for byte. */
static uint8_t *cobs_put_all(uint8_t *o, uint8_t **code_io, const uint8_t *s, const uint8_t *e)
{
    uint8_t *code_at = *code_io;
    while (s != e) {
        if (*s == 0) { /* a zero ends the block */
            *code_at = (uint8_t)(o - code_at);
            code_at = o++;
            s++;
            continue;
        }
        size_t m = 255u - (size_t)(o - code_at); /* data bytes the block can still take */
        if (m > (size_t)(e - s))
            m = (size_t)(e - s);
        size_t c = copy_nz(o, s, m);
        o += c;
        s += c;
        if (o - code_at == 255) { /* 254 data bytes: a full block, no zero */
            *code_at = 0xFF;
            code_at = o++;
        }
    }
    *code_io = code_at;
    return o;
}

size_t vd_frame_encode(uint8_t *out, uint8_t type, uint16_t seq,
                       const void *payload, uint16_t payload_len)
{
    if (payload_len > VD_WIRE_MAX_PAYLOAD)
        return 0;
    union {
        vd_wire_hdr h;
        uint32_t w[2]; /* aligned for crc_words */
    } hu;
    hu.h.type = type;
    hu.h.version = (uint8_t)VD_WIRE_VERSION;
    hu.h.seq = seq;
    hu.h.len = payload_len;
    hu.h.reserved = 0;
    uint32_t crc = crc_words(0xFFFFFFFFu, (const uint8_t *)hu.w, (const uint8_t *)(hu.w + 2));
    crc = ~crc_update(crc, (const uint8_t *)payload, payload_len);
    uint8_t crc_le[4] = {(uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16),
                         (uint8_t)(crc >> 24)};

    const uint8_t *pl = (const uint8_t *)payload;
    uint8_t *code_at = out;
    uint8_t *o = cobs_put_all(out + 1, &code_at, (const uint8_t *)hu.w,
                              (const uint8_t *)hu.w + sizeof hu.h);
    o = cobs_put_all(o, &code_at, pl, pl + payload_len);
    o = cobs_put_all(o, &code_at, crc_le, crc_le + sizeof crc_le);
    *code_at = (uint8_t)(o - code_at);
    *o++ = 0x00;
    return (size_t)(o - out);
}

void vd_frame_decoder_init(vd_frame_decoder *d)
{
    d->len = 0;
    d->code = 0;
    d->block_max = 0;
    d->overflow = 0;
    d->dropped = 0;
    d->crc = 0xFFFFFFFFu;
    d->crc_len = 0;
}

/* A complete body is in d->body[0..len) and the CRC register covers d->body[0..crc_len):
 * finish the CRC and check the frame. */
static int frame_check(const vd_frame_decoder *d, uint32_t len, uint32_t crc, uint32_t crc_len)
{
    if (len < VD_WIRE_HDR_SIZE + VD_WIRE_CRC_SIZE)
        return 0;
    const vd_wire_hdr *h = (const vd_wire_hdr *)(const void *)d->body;
    if (h->version != VD_WIRE_VERSION || h->len > VD_WIRE_MAX_PAYLOAD ||
        len != VD_WIRE_HDR_SIZE + h->len + VD_WIRE_CRC_SIZE)
        return 0;
    uint32_t words = len & ~3u;
    crc = crc_words(crc, d->body + crc_len, d->body + words);
    for (; words != len; words++)
        crc = crc_byte(crc, d->body[words]);
    return crc == CRC_RESIDUE;
}

/* CRC catch-up in the block copy once this many body bytes are pending: bounds what is
 * left for the delimiter without a call per short block. */
#define CRC_BATCH 32u

size_t vd_frame_feed_span(vd_frame_decoder *d, const uint8_t *buf, size_t n,
                          const vd_wire_hdr **hdr, const uint8_t **payload)
{
    const uint8_t *p = buf, *const e = buf + n;
    uint8_t *const body = d->body;
    uint8_t *const qend = body + VD_WIRE_MAX_BODY;
    uint8_t *q = body + d->len;            /* next decoded byte */
    uint8_t *crc_at = body + d->crc_len;   /* first byte not yet in crc */
    uint32_t code = d->code, crc = d->crc;
    uint32_t zero_next = !d->block_max;    /* the current block ends with a zero */
    uint32_t b;

    *hdr = NULL;
    if (d->overflow)
        goto skip;
    while (p != e) {
        if (code > 1) { /* inside a block: copy what is here of it */
            size_t k = code - 1u;
            if (k > (size_t)(e - p))
                k = (size_t)(e - p);
            if (k > (size_t)(qend - q))
                k = (size_t)(qend - q);
            size_t c = copy_nz(q, p, k);
            p += c;
            q += c;
            code -= (uint32_t)c;
            if (q - crc_at >= (ptrdiff_t)CRC_BATCH) {
                uint8_t *w = body + ((size_t)(q - body) & ~(size_t)3);
                crc = crc_words(crc, crc_at, w);
                crc_at = w;
            }
            if (c == k && (code == 1 || p == e))
                continue;
            /* *p is a zero (the frame ended inside a block), or the body is full */
            if (*p != 0)
                goto overflow;
            p++;
            goto delimiter;
        }
        b = *p++;
        if (b == 0)
            goto delimiter;
        if (code == 1 && zero_next) { /* the previous block ended with a zero */
            if (q == qend)
                goto overflow;
            *q++ = 0;
            /* runs of zeros in the body are runs of 0x01 codes on the line */
            while (b == 1 && p != e && *p == 1 && q != qend) {
                *q++ = 0;
                p++;
            }
        }
        code = b;
        zero_next = b != 0xFF;
        continue;

    delimiter: { /* end of frame (or resync) */
        uint32_t len = (uint32_t)(q - body);
        int ok = code == 1 && frame_check(d, len, crc, (uint32_t)(crc_at - body));
        if (!ok && (len || code > 1))
            d->dropped++;
        q = crc_at = body;
        code = 0;
        crc = 0xFFFFFFFFu;
        if (ok) {
            *hdr = (const vd_wire_hdr *)(const void *)body;
            *payload = body + VD_WIRE_HDR_SIZE;
            break;
        }
        continue;
    }

    overflow: /* frame too long: drop it, skip to the next delimiter */
        d->overflow = 1;
    skip:
        while (p != e && *p != 0)
            p++;
        if (p == e)
            break;
        p++;
        d->overflow = 0;
        d->dropped++;
        q = crc_at = body;
        code = 0;
        crc = 0xFFFFFFFFu;
    }
    d->len = (uint32_t)(q - body);
    d->code = (uint8_t)code;
    d->block_max = (uint8_t)!zero_next;
    d->crc = crc;
    d->crc_len = (uint32_t)(crc_at - body);
    return (size_t)(p - buf);
}

/* One byte: the same state machine without the span machinery (host-lib feeds bytes). */
int vd_frame_feed(vd_frame_decoder *d, uint8_t byte, const vd_wire_hdr **hdr,
                  const uint8_t **payload)
{
    if (byte == 0x00) { /* delimiter: end of frame (or resync) */
        int ok = !d->overflow && d->code == 1 && frame_check(d, d->len, d->crc, d->crc_len);
        if (!ok && (d->len || d->overflow || d->code > 1))
            d->dropped++;
        d->len = 0;
        d->code = 0;
        d->overflow = 0;
        d->crc = 0xFFFFFFFFu;
        d->crc_len = 0;
        if (ok) {
            *hdr = (const vd_wire_hdr *)(const void *)d->body;
            *payload = d->body + VD_WIRE_HDR_SIZE;
        }
        return ok;
    }
    if (d->overflow)
        return 0;
    if (d->code == 0) { /* first byte of the frame: a block code */
        d->code = byte;
        d->block_max = byte == 0xFF;
        return 0;
    }
    if (d->code == 1) { /* block ended: a zero, unless the block was full; then a new code */
        if (!d->block_max) {
            if (d->len >= sizeof d->body) {
                d->overflow = 1;
                return 0;
            }
            d->body[d->len++] = 0;
        }
        d->code = byte;
        d->block_max = byte == 0xFF;
        return 0;
    }
    if (d->len >= sizeof d->body) {
        d->overflow = 1;
        return 0;
    }
    d->body[d->len++] = byte;
    d->code--;
    return 0;
}
