"""水印登记: the register of every watermark the server applies, and the marked pictures themselves."""
