"""Audio files: probing, decoding and extracting, through the ffmpeg binary of imageio-ffmpeg."""
