"""视频连线: ringing and rooms (the call center), call records and chat, recordings and stills of calls."""
