"""Speech to text: the Whisper engines behind one interface, the offline model, and the pipeline."""
