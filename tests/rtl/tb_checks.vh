// tb_checks.vh - check bookkeeping shared by the self-checking Icarus benches: include it
// inside the bench module after declaring `integer cyc` (the cycle counter the messages
// quote). check/check_eq count into n_pass/n_fail; group_begin/group_end print one
// "ok"/"FAIL" line per group (g_note, empty by default, is appended to it).
    integer n_pass = 0, n_fail = 0;
    integer g_pass, g_fail;
    reg [8*64-1:0] g_name;
    reg [8*64-1:0] g_note;

    task automatic group_begin(input [8*64-1:0] name);
        begin
            g_name = name;
            g_note = "";
            g_pass = n_pass;
            g_fail = n_fail;
        end
    endtask

    task automatic group_end;
        begin
            $display("%s %0s (%0d checks%0s)", (n_fail == g_fail) ? "ok  " : "FAIL",
                     g_name, n_pass - g_pass + n_fail - g_fail, g_note);
        end
    endtask

    task automatic check(input cond, input [8*96-1:0] what);
        begin
            if (cond) n_pass = n_pass + 1;
            else begin
                n_fail = n_fail + 1;
                $display("    FAIL: %0s (cycle %0d)", what, cyc);
            end
        end
    endtask

    task automatic check_eq(input [31:0] got, input [31:0] exp, input [8*64-1:0] what);
        begin
            if (got === exp) n_pass = n_pass + 1;
            else begin
                n_fail = n_fail + 1;
                $display("    FAIL: %0s: got 0x%08h, expected 0x%08h (cycle %0d)", what, got, exp, cyc);
            end
        end
    endtask
