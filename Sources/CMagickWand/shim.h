// SwiftPM drops these -D flags from `pkg-config --cflags MagickWand` as "prohibited"; restate them
// so the headers agree with the Debian 12 library (ImageMagick 6, Q16, no HDRI).
#define MAGICKCORE_HDRI_ENABLE 0
#define MAGICKCORE_QUANTUM_DEPTH 16
#include <stdlib.h>            // libc first: MagickWand defines _GNU_SOURCE
#include <sys/select.h>
#include <wand/MagickWand.h>
