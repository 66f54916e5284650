"""The trigger-point atlas."""
