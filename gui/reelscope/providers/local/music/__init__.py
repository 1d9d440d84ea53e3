"""Music recognition against the user's music folder: landmark hashes of spectrogram peaks."""
