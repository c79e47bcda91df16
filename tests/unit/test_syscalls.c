/* Unit tests for firmware/lib/syscalls.c (renamed vd_sys_* in the host build). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_cpu.h"
#include "vd_syscalls.h"

static char arena[256];

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    mock_uart_attach();
    vd_heap_init(arena, arena + sizeof arena);
    errno = 0;
    return 0;
}

static void test_sbrk_grows(void **state)
{
    (void)state;
    assert_ptr_equal(vd_sys_sbrk(0), arena);
    assert_ptr_equal(vd_sys_sbrk(16), arena);
    assert_ptr_equal(vd_sys_sbrk(32), arena + 16);
    assert_ptr_equal(vd_sys_sbrk(0), arena + 48);
    assert_ptr_equal(vd_sys_sbrk(-16), arena + 48);
    assert_ptr_equal(vd_sys_sbrk(0), arena + 32);
}

static void test_sbrk_refuses_past_limit(void **state)
{
    (void)state;
    assert_ptr_equal(vd_sys_sbrk(100), arena);
    assert_ptr_equal(vd_sys_sbrk(157), (void *)-1);
    assert_int_equal(errno, ENOMEM);
    assert_ptr_equal(vd_sys_sbrk(0), arena + 100); /* break unchanged */

    errno = 0;
    assert_ptr_equal(vd_sys_sbrk(156), arena + 100); /* exactly to the end */
    assert_ptr_equal(vd_sys_sbrk(1), (void *)-1);
    assert_int_equal(errno, ENOMEM);
    assert_ptr_equal(vd_sys_sbrk(PTRDIFF_MAX), (void *)-1);
    assert_ptr_equal(vd_sys_sbrk(0), arena + sizeof arena);

    assert_ptr_equal(vd_sys_sbrk(-(ptrdiff_t)sizeof arena - 1), (void *)-1); /* below start */
    assert_ptr_equal(vd_sys_sbrk(0), arena + sizeof arena);
}

static void test_write_converts_newlines(void **state)
{
    (void)state;
    assert_int_equal(vd_sys_write(1, "a\nb\n", 4), 4);
    assert_string_equal(mock_uart_tx(), "a\r\nb\r\n");
    mock_uart_tx_clear();
    assert_int_equal(vd_sys_write(2, "\n\n", 2), 2);
    assert_string_equal(mock_uart_tx(), "\r\n\r\n");
    assert_int_equal(vd_sys_write(1, "", 0), 0);
}

static void test_write_other_fd_fails(void **state)
{
    (void)state;
    assert_int_equal(vd_sys_write(3, "x", 1), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(mock_uart_tx_len(), 0);
}

static void test_stdio_is_a_tty(void **state)
{
    (void)state;
    struct stat st;
    assert_int_equal(vd_sys_fstat(1, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(vd_sys_isatty(0), 1);
    assert_int_equal(vd_sys_isatty(2), 1);
    assert_int_equal(vd_sys_isatty(7), 0);
    char buf[4];
    assert_int_equal(vd_sys_read(0, buf, sizeof buf), 0);
    assert_int_equal(vd_sys_lseek(1, 0, 0), -1);
    assert_int_equal(vd_sys_close(1), -1);
    assert_int_equal(vd_sys_kill(1, 9), -1);
    assert_int_equal(vd_sys_getpid(), 1);
}

static void test_exit_prints_code_and_halts(void **state)
{
    (void)state;
    jmp_buf halted;
    mock_cpu_halt_jmp = &halted;
    if (setjmp(halted) == 0) {
        vd_sys_exit(-42);
        fail_msg("_exit returned");
    }
    assert_string_equal(mock_uart_tx(), "exit -42\r\n");
    assert_int_equal(mock_cpu_halts(), 1);
    assert_int_equal(mock_cpu_irq_mask(), VD_CPU_IRQ_ALL);

    mock_uart_tx_clear();
    if (setjmp(halted) == 0)
        vd_sys_exit(0);
    assert_string_equal(mock_uart_tx(), "exit 0\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sbrk_grows, setup),
        cmocka_unit_test_setup(test_sbrk_refuses_past_limit, setup),
        cmocka_unit_test_setup(test_write_converts_newlines, setup),
        cmocka_unit_test_setup(test_write_other_fd_fails, setup),
        cmocka_unit_test_setup(test_stdio_is_a_tty, setup),
        cmocka_unit_test_setup(test_exit_prints_code_and_halts, setup),
    };
    return cmocka_run_group_tests_name("syscalls", tests, NULL, NULL);
}
