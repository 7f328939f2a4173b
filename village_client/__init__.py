"""village_client: the village window (村窗口): its web page and a headless aiortc client."""
