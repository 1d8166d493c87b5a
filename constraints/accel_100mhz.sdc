# neuroxbar accelerator: 100 MHz system clock on port `clock` (10 ns period).
create_clock -period 10.000 -name clock [get_ports {clock}]
