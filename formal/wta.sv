// Properties of the winner-take-all (rtl/src/wta.rs; rtl/DESIGN.md, the
// accelerator's decide step), on the generated Verilog of the accelerator's
// 5-neuron instance (`dut.v`, module `top`, `WinnerTakeAll<5>`).
//
// Environment: every input is free in every cycle (spikes, membranes,
// mode, enable, clear, reset).
//
// Asserted (at most one winner):
// - a latched winner is a neuron index (`winner < N`);
// - `new_winner` is zero or one-hot, and then names the latched winner;
// - with inhibition enabled, exactly the latched winner is not inhibited
//   (`inhibit` is all ones but the winner's bit); no winner, or disabled:
//   nothing inhibited;
// - until `clear` (or reset) a latched winner stays the same neuron and no
//   second winner is announced.
// The winner's one-hot register is tapped (`fv_onehot`) for the induction.
module formal_wta (
    input clock,
    input reset,
    input clear,
    input enable,
    input mode,
    input [4:0] spikes,
    input spikes_valid,
    input [23:0] v_pre0,
    input [23:0] v_pre1,
    input [23:0] v_pre2,
    input [23:0] v_pre3,
    input [23:0] v_pre4
);
  localparam N = 5;
  wire [7:0] winner;
  wire winner_valid;
  wire [N-1:0] inhibit, new_winner;
  top dut (
      .clock(clock),
      .reset(reset),
      .clear(clear),
      .enable(enable),
      .mode(mode),
      .spikes(spikes),
      .spikes_valid(spikes_valid),
      .v_pre$0(v_pre0),
      .v_pre$1(v_pre1),
      .v_pre$2(v_pre2),
      .v_pre$3(v_pre3),
      .v_pre$4(v_pre4),
      .winner(winner),
      .winner_valid(winner_valid),
      .inhibit(inhibit),
      .new_winner(new_winner)
  );
  (* keep *) wire [N-1:0] fv_onehot;

  wire [N-1:0] winner_oh = winner_valid ? (5'd1 << winner) : 5'd0;
  reg was_valid = 0, was_clear = 0, was_reset = 0;
  reg [7:0] was_winner = 0;
  always @(posedge clock) begin
    was_valid <= winner_valid;
    was_clear <= clear;
    was_reset <= reset;
    was_winner <= winner;
  end

  always @(*) begin
    if (winner_valid) assert (winner < N);
    assert (new_winner == 0 || new_winner == winner_oh);
    assert ((new_winner & (new_winner - 5'd1)) == 0);
    if (winner_valid && enable) assert (inhibit == ~winner_oh);
    else assert (inhibit == 0);
    // a winner stays until clear: no second winner in a presentation
    if (was_valid && !was_clear && !was_reset) begin
      assert (winner_valid && winner == was_winner);
      assert (new_winner == 0);
    end
    // inductive strengthening
    assert (fv_onehot == winner_oh);
  end
endmodule
