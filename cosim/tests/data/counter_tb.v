`timescale 1ns/1ps
// Tiny counter used to produce the VCD fixtures under cosim/tests/data/.
module counter(input clk, input rst, output reg [3:0] count, output reg [15:0] membrane, output spike);
  assign spike = (count == 4'd5);
  always @(posedge clk) begin
    if (rst) begin count <= 4'd0; membrane <= 16'd0; end
    else begin count <= count + 4'd1; membrane <= membrane + 16'h0123; end
  end
endmodule
module tb;
  reg clk = 0; reg rst = 1;
  wire [3:0] count; wire [15:0] membrane; wire spike;
  real level = 1.5;
  reg [7:0] mem [0:3];
  wire [7:0] floating = (rst ? 8'bzzzz0101 : 8'hxa);
  counter dut(.clk(clk), .rst(rst), .count(count), .membrane(membrane), .spike(spike));
  always #5 clk = ~clk;
  initial begin
    $dumpfile("out.vcd");
    $dumpvars(0, tb);
    $dumpvars(0, tb.mem[2]);
    mem[0] = 8'h00; mem[1] = 8'h11; mem[2] = 8'h22; mem[3] = 8'h33;
    #12 rst = 0; level = 2.25;
    #30 mem[2] = 8'h5a;
    #18 $dumpoff;
    #20 $dumpon;
    #20 $finish;
  end
endmodule
