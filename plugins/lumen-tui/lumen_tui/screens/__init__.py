"""The dashboard's screens: the live run (`dashboard`) and the trace browser (`trace_browser`)."""
