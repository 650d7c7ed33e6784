"""Unmask's training pipeline: corpus -> tokenizer -> masked-diffusion denoiser -> ONNX -> quantized model."""
