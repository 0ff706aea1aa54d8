# `make demo`: build, then import examples/quick_responses.csv into a local
# QConnect emulator with qconnect_c (examples/demo.py).

.PHONY: demo

demo: ext
	$(VPY) examples/demo.py
