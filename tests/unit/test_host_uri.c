/* host-lib: device URI parsing (host-lib/src/uri.c) and the transport a URI selects
 * (transport.c: link=uart|pcie, pcie:BDF). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vd_host.h"

static void test_plain_schemes(void **state)
{
    (void)state;
    vd_uri u;
    assert_int_equal(vd_uri_parse("sim", &u), 0);
    assert_string_equal(u.scheme, "sim");
    assert_string_equal(u.path, "");
    assert_int_equal(u.nparams, 0);
    assert_int_equal(vd_uri_parse("inproc?fw=/x/y.img&baud=115200", &u), 0);
    assert_string_equal(u.scheme, "inproc");
    assert_string_equal(vd_uri_get(&u, "fw"), "/x/y.img");
    uint32_t baud = 0;
    assert_int_equal(vd_uri_get_u32(&u, "baud", 3, &baud), 0);
    assert_int_equal(baud, 115200);
    assert_int_equal(vd_uri_get_u32(&u, "missing", 7, &baud), 0);
    assert_int_equal(baud, 7);
    assert_null(vd_uri_get(&u, "missing"));
}

static void test_uart_path(void **state)
{
    (void)state;
    vd_uri u;
    assert_int_equal(vd_uri_parse("uart:/dev/ttyUSB1?baud=3000000", &u), 0);
    assert_string_equal(u.scheme, "uart");
    assert_string_equal(u.path, "/dev/ttyUSB1");
    uint32_t baud;
    assert_int_equal(vd_uri_get_u32(&u, "baud", 0, &baud), 0);
    assert_int_equal(baud, 3000000);
    /* A path may hold colons (pcie:0000:01:00.0). */
    assert_int_equal(vd_uri_parse("pcie:0000:01:00.0", &u), 0);
    assert_string_equal(u.path, "0000:01:00.0");
}

static void test_malformed(void **state)
{
    (void)state;
    vd_uri u;
    static const char *const bad[] = {"", ":x", "uart:", "Sim", "sim?", "sim?baud", "sim?=3",
                                      "sim?a=1&", "sim?a=1&a=2", "si m",
                                      "sim?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=1&k=1&l=1&m=1&"
                                      "n=1&o=1&p=1&q=1&r=1&s=1&t=1&u=1&v=1&w=1&x=1&y=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(vd_uri_parse(bad[i], &u), -1);
        assert_int_equal(vd_last_hr(), E_INVALIDARG);
        assert_true(strlen(vidalloc_last_error()) > 0);
    }
    assert_int_equal(vd_uri_parse(NULL, &u), -1);
    assert_int_equal(vd_uri_parse("inproc?baud=fast", &u), 0);
    uint32_t v;
    assert_int_equal(vd_uri_get_u32(&u, "baud", 0, &v), -1);
    assert_int_equal(vd_uri_parse("inproc?baud=-1", &u), 0);
    assert_int_equal(vd_uri_get_u32(&u, "baud", 0, &v), -1);
    assert_int_equal(vd_uri_parse("inproc?baud=99999999999", &u), 0);
    assert_int_equal(vd_uri_get_u32(&u, "baud", 0, &v), -1);
}

static void test_known_keys(void **state)
{
    (void)state;
    static const char *const keys[] = {"fw", "baud", NULL};
    vd_uri u;
    assert_int_equal(vd_uri_parse("sim?fw=a&baud=1", &u), 0);
    assert_int_equal(vd_uri_check_keys(&u, keys), 0);
    assert_int_equal(vd_uri_parse("sim?fw=a&speed=1", &u), 0);
    assert_int_equal(vd_uri_check_keys(&u, keys), -1);
    assert_non_null(strstr(vidalloc_last_error(), "speed"));
}

static const vd_transport_ops *ops_for(const char *uri)
{
    vd_uri u;
    assert_int_equal(vd_uri_parse(uri, &u), 0);
    return vd_transport_for(&u);
}

static void test_link_selects_transport(void **state)
{
    (void)state;
    assert_ptr_equal(ops_for("sim"), &vd_transport_sim);
    assert_ptr_equal(ops_for("sim?link=uart"), &vd_transport_sim);
    assert_ptr_equal(ops_for("sim?link=pcie"), &vd_transport_sim_pcie);
    assert_ptr_equal(ops_for("sim?fw=x.img&link=pcie&shm=/vd"), &vd_transport_sim_pcie);
    assert_ptr_equal(ops_for("inproc"), &vd_transport_inproc);
    assert_ptr_equal(ops_for("inproc?link=uart"), &vd_transport_inproc);
    assert_ptr_equal(ops_for("inproc?link=pcie"), &vd_transport_inproc_pcie);
    assert_ptr_equal(ops_for("uart:/dev/ttyUSB1"), &vd_transport_uart);
    /* Message transports have no byte stream; byte streams no messages. */
    assert_non_null(vd_transport_sim_pcie.send_msg);
    assert_null(vd_transport_sim_pcie.send);
    assert_null(vd_transport_sim.send_msg);
    assert_null(ops_for("sim?link=usb"));
    assert_int_equal(vd_last_hr(), E_INVALIDARG);
    assert_non_null(strstr(vidalloc_last_error(), "link=usb"));
}

static void test_pcie_bdf_not_supported(void **state)
{
    (void)state;
    assert_null(ops_for("pcie:0000:01:00.0"));
    HANDLE h = (HANDLE)1;
    assert_int_equal(vidalloc_open("pcie:0000:01:00.0", NULL, &h, NULL), E_INVALIDARG);
    assert_null(h);
    const char *e = vidalloc_last_error();
    assert_non_null(strstr(e, "pcie:0000:01:00.0 is not supported yet"));
    assert_non_null(strstr(e, "no board with a PCIe hard block"));
    assert_non_null(strstr(e, "sim?link=pcie or inproc?link=pcie"));
}

/* The pcie URIs' own keys and errors, before anything is spawned or mapped. */
static void test_pcie_uri_errors(void **state)
{
    (void)state;
    HANDLE h = NULL;
    assert_int_equal(vidalloc_open("sim?link=pcie&speed=1", NULL, &h, NULL), E_INVALIDARG);
    assert_non_null(strstr(vidalloc_last_error(), "speed"));
    assert_int_equal(vidalloc_open("inproc?link=pcie&shm=/x", NULL, &h, NULL), E_INVALIDARG);
    assert_non_null(strstr(vidalloc_last_error(), "shm"));
    assert_int_equal(vidalloc_open("sim?link=pcie&shm=x", NULL, &h, NULL), E_INVALIDARG);
    assert_non_null(strstr(vidalloc_last_error(), "starts with '/'"));
    char uri[64];
    snprintf(uri, sizeof uri, "sim?link=pcie&shm=/vidalloc-none-%d", (int)getpid());
    assert_int_equal(vidalloc_open(uri, NULL, &h, NULL), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "cannot open the PCIe shared memory"));
    /* This test program does not link the simulator library. */
    assert_int_equal(vidalloc_open("inproc?link=pcie", NULL, &h, NULL), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "linked without the simulator library"));
    assert_null(h);
}

static void test_hresult_names(void **state)
{
    (void)state;
    assert_string_equal(vidalloc_hresult_name(S_OK), "S_OK");
    assert_string_equal(vidalloc_hresult_name((HRESULT)0x80070057), "E_INVALIDARG");
    assert_string_equal(vidalloc_hresult_name((HRESULT)0x8007000E), "E_OUTOFMEMORY");
    assert_string_equal(vidalloc_hresult_name((HRESULT)0x8876017C), "D3DERR_OUTOFVIDEOMEMORY");
    assert_string_equal(vidalloc_hresult_name((HRESULT)0x88760870), "D3DDDIERR_DEVICEREMOVED");
    assert_string_equal(vidalloc_hresult_name((HRESULT)0x8876086A), "D3DERR_NOTAVAILABLE");
    assert_string_equal(vidalloc_hresult_name((HRESULT)0x12345678), "HRESULT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_schemes), cmocka_unit_test(test_uart_path),
        cmocka_unit_test(test_malformed), cmocka_unit_test(test_known_keys),
        cmocka_unit_test(test_hresult_names), cmocka_unit_test(test_link_selects_transport),
        cmocka_unit_test(test_pcie_bdf_not_supported), cmocka_unit_test(test_pcie_uri_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
