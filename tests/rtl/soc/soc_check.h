/* soc_check.h - what the SoC bench programs (soc_prog.S, soc_pcie_prog.S) share: the result
 * protocol (SYSCTL.SCRATCH = PASS, or FAIL | the failed check's number in s4), the check
 * macros and, through SOC_CHECK_ROUTINES, the pass/fail/poll routines. s3 holds SYSCTL's
 * base; TIMEOUT (poll iterations) may be set before including this. */
#ifndef SOC_CHECK_H
#define SOC_CHECK_H

#define PASS      0x600D600D
#define FAIL      0xBAD00000
#ifndef TIMEOUT
#define TIMEOUT   20000         /* poll iterations */
#endif

/* Next check: its number goes to s4; a failing branch jumps to fail. */
#define CHECK(n)  li s4, n
/* t0 = *(base + off) must equal the constant v (clobbers t1) */
#define EXPECT(base, off, v) lw t0, off(base); li t1, v; bne t0, t1, fail
/* ... equal 0, or the value in register r */
#define EXPECT0(base, off)   lw t0, off(base); bnez t0, fail
#define EXPECTR(base, off, r) lw t0, off(base); bne t0, r, fail
/* Poll until (*(base + off) & mask) == v, at most TIMEOUT reads (clobbers t0, t3-t5, a3, ra). */
#define POLL(base, off, mask, v) addi t3, base, off; li t4, mask; li t5, v; jal ra, poll

/* pass and fail report and stay; poll is POLL's loop: until (*t3 & t4) == t5, at most
 * TIMEOUT reads, else fail. */
#define SOC_CHECK_ROUTINES \
pass:                                  \
    li      t2, PASS;                  \
    sw      t2, VD_SYSCTL_SCRATCH(s3); \
5:  j       5b;                        \
fail:                                  \
    li      t2, FAIL;                  \
    or      t2, t2, s4;                \
    sw      t2, VD_SYSCTL_SCRATCH(s3); \
6:  j       6b;                        \
poll:                                  \
    li      a3, TIMEOUT;               \
8:  addi    a3, a3, -1;                \
    beqz    a3, fail;                  \
    lw      t0, 0(t3);                 \
    and     t0, t0, t4;                \
    bne     t0, t5, 8b;                \
    ret

#endif /* SOC_CHECK_H */
