#!/bin/sh
# Regenerates the simulator-written VCD fixtures from the tiny counter
# testbenches here (needs iverilog, vvp and verilator; see scripts/).
# other_tool.vcd is handwritten. Dates in the Icarus file change on each run.
set -e
cd "$(dirname "$0")"
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
iverilog -o "$tmp/sim" counter_tb.v
(cd "$tmp" && vvp sim >/dev/null && mv out.vcd "$here/icarus_counter.vcd")
sed -n '/^module counter/,/^endmodule/p' counter_tb.v >"$tmp/counter.v"
verilator --binary --trace -Wno-fatal --top-module tb --Mdir "$tmp/obj" \
    counter_tb_verilator.v "$tmp/counter.v" -o vsim >/dev/null
(cd "$tmp" && ./obj/vsim >/dev/null && mv out.vcd "$here/verilator_counter.vcd")
# The FST fixture: the Verilator VCD converted with GTKWave's vcd2fst.
vcd2fst "$here/verilator_counter.vcd" "$here/verilator_counter.fst" >/dev/null
