"""Where models outside the catalog are read from: the Hugging Face Hub and GGUF files (I/O lives here)."""
