`timescale 1ns/1ps
// Synthetic design for cosim/benches/verilator_fst_bench.sh: Verilator's
// own VCD and FST writers against VCD + vcd2fst (not the accelerator).
// 500 16-bit counters, each stepping on about one clock in eight
module syn(input clk, output [15:0] sum);
  reg [63:0] lfsr = 64'h1;
  wire [15:0] r [0:499];
  always @(posedge clk) lfsr <= {lfsr[62:0], lfsr[63] ^ lfsr[62] ^ lfsr[60] ^ lfsr[59]};
  genvar i;
  generate for (i = 0; i < 500; i = i + 1) begin : unit
    reg [15:0] q = 0;
    always @(posedge clk) if (lfsr[i % 64] & lfsr[(i + 7) % 64] & lfsr[(i + 13) % 64]) q <= q + 1;
    assign r[i] = q;
  end endgenerate
  assign sum = r[0] + r[499];
endmodule
module tb;
  reg clk = 0;
  wire [15:0] sum;
  syn dut(.clk(clk), .sum(sum));
  always #5 clk = ~clk;
  initial begin
    $dumpfile(`DUMP);
    $dumpvars(0, tb);
    #(10 * `CYCLES) $finish;
  end
endmodule
