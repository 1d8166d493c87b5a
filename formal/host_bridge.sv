// Safety of the host link's frame bridge (rtl/src/host_link.rs,
// `HostBridge<25, 5>` with a 6-cycle inter-byte timeout), on the generated
// Verilog (`dut.v`, module `top`), at the byte level: every input is free in
// every cycle (received bytes, their valid and framing-error strobes, the
// transmitter's busy, the accelerator's outputs, reset), except the
// simulation-only `warp`, tied to 0 as in synthesis.
//
// A monitor keeps the last nine bytes received, the CRC-8 of their
// suffixes and how many bytes in a row arrived since the last framing
// error. Asserted: a register write (`cfg_we`) happens only two cycles after a byte that
//   completes a well-formed WRITE frame `A5 01 05 addr d3 d2 d1 d0 crc` with
//   a correct CRC-8 and no framing error among its bytes, and writes exactly
//   that frame's address and data.
// So a frame with a bad CRC, an unknown command or a wrong length, cut by a
// framing error, or noise, writes nothing. The check is bounded (see
// host_bridge.sby): it covers every input sequence of its depth from
// power-up, i.e. every frame of up to nine bytes with up to three idle,
// noise or error cycles, not longer gaps or the inter-byte timeout.
module formal_host_bridge (
    input clock,
    input reset,
    input [7:0] rx_data,
    input rx_valid,
    input rx_error,
    input tx_busy,
    input acc_idle,
    input [4:0] acc_spikes,
    input acc_spikes_valid,
    input [7:0] acc_winner,
    input acc_winner_valid,
    input [31:0] acc_debug_data,
    input acc_cfg_error,
    input acc_clamp_error,
    input acc_saturated,
    input acc_overrun
);
  wire [7:0] tx_data, cfg_addr;
  wire tx_start, acc_reset, acc_tick, acc_present, cfg_we;
  wire [24:0] acc_spikes_in;
  wire [31:0] cfg_data, wait_left;
  wire [11:0] debug_sel;
  wire [2:0] state_out;
  top dut (
      .clock(clock),
      .reset(reset),
      .rx_data(rx_data),
      .rx_valid(rx_valid),
      .rx_error(rx_error),
      .tx_busy(tx_busy),
      .tx_data(tx_data),
      .tx_start(tx_start),
      .acc_idle(acc_idle),
      .acc_spikes(acc_spikes),
      .acc_spikes_valid(acc_spikes_valid),
      .acc_winner(acc_winner),
      .acc_winner_valid(acc_winner_valid),
      .acc_debug_data(acc_debug_data),
      .acc_cfg_error(acc_cfg_error),
      .acc_clamp_error(acc_clamp_error),
      .acc_saturated(acc_saturated),
      .acc_overrun(acc_overrun),
      .acc_reset(acc_reset),
      .acc_tick(acc_tick),
      .acc_present(acc_present),
      .acc_spikes_in(acc_spikes_in),
      .acc_cfg_addr(cfg_addr),
      .acc_cfg_data(cfg_data),
      .acc_cfg_we(cfg_we),
      .acc_debug_sel(debug_sel),
      .warp(32'd0),
      .wait_left(wait_left),
      .state_out(state_out)
  );

  function automatic [7:0] crc8(input [7:0] c, input [7:0] b);
    integer i;
    reg [7:0] x;
    begin
      x = c ^ b;
      for (i = 0; i < 8; i = i + 1) x = x[7] ? ((x << 1) ^ 8'h07) : (x << 1);
      crc8 = x;
    end
  endfunction

  // ---- environment: the receiver never reports a byte and a framing
  // error in the same cycle
  always @(*) assume (!(rx_valid && rx_error));

  // ---- monitor: the last nine bytes (h[0] the newest), c[k] the CRC-8 of
  // the last k bytes (kept incrementally: c[k] <= crc8(c[k-1], byte)),
  // framing errors
  reg [7:0] h[0:8];
  reg [7:0] c[0:8];
  reg [3:0] clean = 0;  // bytes in a row since the last framing error (saturating)
  integer k;
  initial for (k = 0; k < 9; k = k + 1) begin
    h[k] = 8'h00;
    c[k] = 8'h00;
  end
  always @(posedge clock) begin
    if (rx_valid) begin
      for (k = 8; k > 0; k = k - 1) h[k] <= h[k-1];
      h[0] <= rx_data;
      for (k = 8; k > 0; k = k - 1) c[k] <= crc8(c[k-1], rx_data);
    end
    if (rx_error) clean <= 0;
    else if (rx_valid && clean != 4'd15) clean <= clean + 1;
  end

  // the history including this cycle's byte (if any): n[0] the newest
  wire [7:0] n0 = rx_valid ? rx_data : h[0];
  wire [7:0] n1 = rx_valid ? h[0] : h[1];
  wire [7:0] n2 = rx_valid ? h[1] : h[2];
  wire [7:0] n3 = rx_valid ? h[2] : h[3];
  wire [7:0] n4 = rx_valid ? h[3] : h[4];
  wire [7:0] n5 = rx_valid ? h[4] : h[5];
  wire [7:0] n6 = rx_valid ? h[5] : h[6];
  wire [7:0] n7 = rx_valid ? h[6] : h[7];
  wire [7:0] n8 = rx_valid ? h[7] : h[8];
  wire [3:0] n_clean = rx_error ? 4'd0 : (rx_valid && clean != 4'd15) ? clean + 1 : clean;

  // a byte that completes a good WRITE frame, this cycle
  wire write_frame = rx_valid && !rx_error && n_clean >= 9
      && n8 == 8'hA5 && n7 == 8'h01 && n6 == 8'h05
      && crc8(c[7], rx_data) == 8'h00;
  wire [39:0] write_fields = {n5, n4, n3, n2, n1};

  reg write_frame_q = 0, write_frame_qq = 0;
  reg [39:0] write_fields_q = 0, write_fields_qq = 0;
  always @(posedge clock) begin
    write_frame_q <= write_frame;
    write_frame_qq <= write_frame_q;
    write_fields_q <= write_fields;
    write_fields_qq <= write_fields_q;
  end

  always @(*) begin
    if (cfg_we) begin
      assert (write_frame_qq);
      assert ({cfg_addr, cfg_data} == write_fields_qq);
    end
  end
endmodule
