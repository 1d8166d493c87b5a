`timescale 1ns/1ps
module tb;
  reg clk = 0; reg rst = 1;
  wire [3:0] count; wire [15:0] membrane; wire spike;
  reg [71:0] wide = 72'h80_0000_0000_0000_0001;
  counter dut(.clk(clk), .rst(rst), .count(count), .membrane(membrane), .spike(spike));
  always #5 clk = ~clk;
  initial begin
    $dumpfile("out.vcd");
    $dumpvars(0, tb);
    #12 rst = 0;
    #40 wide = {wide[70:0], wide[71]};
    #30 $finish;
  end
endmodule
