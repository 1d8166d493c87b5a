# Digilent Arty A7-35T (XC7A35TICSG324-1L) pins of the board top `arty_25x5`
# (`neuroxbar synth --board arty`, which checks that every port of the top
# has a PACKAGE_PIN and an IOSTANDARD here). Sites from Digilent's
# Arty-A7-35-Master.xdc (the same as amaranth-boards' arty_a7.py). The
# pin-lean PHY takes 19 pins of the Pmod headers JA, JB and JC (JB9, JB10 and
# JC8 ... JC10 stay free). Wiring table: constraints/README.md.

# the oscillator; the MMCM's 25 MHz output clock is derived from it by Vivado
create_clock -period 10.000 -name clk100mhz -waveform {0.000 5.000} [get_ports { clk100mhz }];

set_property -dict { PACKAGE_PIN E3 IOSTANDARD LVCMOS33 } [get_ports { clk100mhz }]; # 100 MHz oscillator (CLK100MHZ)
set_property -dict { PACKAGE_PIN C2 IOSTANDARD LVCMOS33 } [get_ports { ck_rst }]; # RESET button (CK_RST), active low: reset
set_property -dict { PACKAGE_PIN A9 IOSTANDARD LVCMOS33 } [get_ports { uart_txd_in }]; # FT2232HQ TXD -> FPGA: the host's bytes (UART_TXD_IN)
set_property -dict { PACKAGE_PIN D10 IOSTANDARD LVCMOS33 } [get_ports { uart_rxd_out }]; # FPGA -> FT2232HQ RXD: the answers (UART_RXD_OUT)
set_property -dict { PACKAGE_PIN H5 IOSTANDARD LVCMOS33 } [get_ports { led[0] }]; # LD4: accelerator idle
set_property -dict { PACKAGE_PIN J5 IOSTANDARD LVCMOS33 } [get_ports { led[1] }]; # LD5: any PHY error
set_property -dict { PACKAGE_PIN T9 IOSTANDARD LVCMOS33 } [get_ports { led[2] }]; # LD6: link inside a frame
set_property -dict { PACKAGE_PIN T10 IOSTANDARD LVCMOS33 } [get_ports { led[3] }]; # LD7: heartbeat (0.75 Hz)
set_property -dict { PACKAGE_PIN G6 IOSTANDARD LVCMOS33 } [get_ports { led0_r }]; # LD0 red: PHY frame overrun
set_property -dict { PACKAGE_PIN G3 IOSTANDARD LVCMOS33 } [get_ports { led1_r }]; # LD1 red: PHY sample while busy
set_property -dict { PACKAGE_PIN J3 IOSTANDARD LVCMOS33 } [get_ports { led2_r }]; # LD2 red: PHY BUSY timeout
set_property -dict { PACKAGE_PIN K2 IOSTANDARD LVCMOS33 } [get_ports { led3_b }]; # LD3 blue: fe_busy

# Front-end PHY (LeanPhy<30, 5, 6, 2>) on Pmod JA, JB, JC
set_property -dict { PACKAGE_PIN G13 IOSTANDARD LVCMOS33 } [get_ports { dac_sclk }]; # JA1: AD5570 SCLK (all DACs)
set_property -dict { PACKAGE_PIN B11 IOSTANDARD LVCMOS33 } [get_ports { dac_sync }]; # JA2: AD5570 SYNC (all DACs, active low)
set_property -dict { PACKAGE_PIN A11 IOSTANDARD LVCMOS33 } [get_ports { dac_ldac }]; # JA3: AD5570 LDAC (all DACs, active low)
set_property -dict { PACKAGE_PIN D12 IOSTANDARD LVCMOS33 } [get_ports { dac_sdi[0] }]; # JA4: AD5570 chain 0 SDIN (lines 0-4)
set_property -dict { PACKAGE_PIN D13 IOSTANDARD LVCMOS33 } [get_ports { dac_sdi[1] }]; # JA7: AD5570 chain 1 SDIN (lines 5-9)
set_property -dict { PACKAGE_PIN B18 IOSTANDARD LVCMOS33 } [get_ports { dac_sdi[2] }]; # JA8: AD5570 chain 2 SDIN (lines 10-14)
set_property -dict { PACKAGE_PIN A18 IOSTANDARD LVCMOS33 } [get_ports { dac_sdi[3] }]; # JA9: AD5570 chain 3 SDIN (lines 15-19)
set_property -dict { PACKAGE_PIN K16 IOSTANDARD LVCMOS33 } [get_ports { dac_sdi[4] }]; # JA10: AD5570 chain 4 SDIN (lines 20-24)
set_property -dict { PACKAGE_PIN E15 IOSTANDARD LVCMOS33 } [get_ports { dac_sdi[5] }]; # JB1: AD5570 chain 5 SDIN (lines 25-29: columns)
set_property -dict { PACKAGE_PIN E16 IOSTANDARD LVCMOS33 } [get_ports { sr_clk }]; # JB2: SN74LV595A SRCLK (all)
set_property -dict { PACKAGE_PIN D15 IOSTANDARD LVCMOS33 } [get_ports { sr_rclk }]; # JB3: SN74LV595A RCLK (all)
set_property -dict { PACKAGE_PIN C15 IOSTANDARD LVCMOS33 } [get_ports { sr_ser[0] }]; # JB4: SN74LV595A chain 0 SER (lines 0-14)
set_property -dict { PACKAGE_PIN J17 IOSTANDARD LVCMOS33 } [get_ports { sr_ser[1] }]; # JB7: SN74LV595A chain 1 SER (lines 15-29)
set_property -dict { PACKAGE_PIN J18 IOSTANDARD LVCMOS33 } [get_ports { mux_en }]; # JB8: ADG1404 EN (all muxes): the apply pin
set_property -dict { PACKAGE_PIN U12 IOSTANDARD LVCMOS33 } [get_ports { adc_convst }]; # JC1: AD7606 CONVST A and B
set_property -dict { PACKAGE_PIN V12 IOSTANDARD LVCMOS33 } [get_ports { adc_cs }]; # JC2: AD7606 CS
set_property -dict { PACKAGE_PIN V10 IOSTANDARD LVCMOS33 } [get_ports { adc_sclk }]; # JC3: AD7606 RD/SCLK
set_property -dict { PACKAGE_PIN V11 IOSTANDARD LVCMOS33 } [get_ports { adc_busy }]; # JC4: AD7606 BUSY
set_property -dict { PACKAGE_PIN U14 IOSTANDARD LVCMOS33 } [get_ports { adc_douta }]; # JC7: AD7606 DB7/DOUTA

# Asynchronous inputs (the button, the UART line, the ADC's BUSY) pass two
# synchronizing flip-flops; DOUTA is sampled in the last of SCLK's three low
# cycles, at least two 40 ns cycles after its falling edge (the protocol of
# rtl/src/fe_adc.rs sets its timing, not one clock edge); every output is a
# level held for whole cycles or longer: no I/O path is timed against the
# clock edge.
set_false_path -from [get_ports { ck_rst uart_txd_in adc_busy adc_douta }];
set_false_path -to [get_ports { uart_rxd_out led[*] led0_r led1_r led2_r led3_b dac_* sr_* mux_en adc_convst adc_cs adc_sclk }];

# configuration: 3.3 V bank 0 (as Digilent's board files set it)
set_property CFGBVS VCCO [current_design];
set_property CONFIG_VOLTAGE 3.3 [current_design];
