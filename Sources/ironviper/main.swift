print("ironviper: under construction")
