"""tlc's PyTorch engine: the modules generated models are made of (layers), safetensors I/O,
and the trainer that executes a plan's stages under torch.distributed.run (trainer)."""
