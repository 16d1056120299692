"""Arena: a real-time programming-contest platform."""
