print("ironviper-emulator")
