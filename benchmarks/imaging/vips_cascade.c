/* vips_cascade: the libvips anchor for ironviper's rendition benchmark.
 *
 * For each JPEG: decode once with shrink-on-load (the largest power-of-two shrink that still
 * covers the largest rendition), turn upright (autorot), keep it in memory, then make the seed's
 * ten renditions largest first, each resized (vips_resize: box shrink + lanczos3 reduce) from the
 * smallest already-made image that covers it, written as progressive, stripped JPEG Q80.
 * This is the "decode once and cascade" pipeline Immich-style tools use.
 *
 * usage: vips_cascade OUTDIR FILE...       build: see run.sh (pkg-config vips)
 * QUALITY=100 in the environment sets the JPEG quality (the PSNR check measures resizing alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <vips/vips.h>

typedef struct { const char *name; int box_w, box_h, square; } Spec;  /* box_w/h 0 = unbounded */
static const Spec specs[] = {
    {"hd", 1920, 1080, 0}, {"1600", 1600, 1600, 0}, {"800", 800, 800, 0}, {"600", 600, 600, 0},
    {"400", 400, 400, 0}, {"h400", 0, 400, 0}, {"w400", 400, 0, 0}, {"200", 200, 200, 0},
    {"100", 100, 100, 0}, {"sq100", 100, 100, 1},
};
#define NSPECS (sizeof specs / sizeof specs[0])

static double ratio_for(const Spec *s, int w, int h) {
    double r;
    if (s->square) r = (double) s->box_w / (w < h ? w : h);
    else if (!s->box_w) r = (double) s->box_h / h;
    else if (!s->box_h) r = (double) s->box_w / w;
    else { double a = (double) s->box_w / w, b = (double) s->box_h / h; r = a < b ? a : b; }
    return r > 1 ? 1 : r;
}

static int quality = 80;

static int render(const char *file, const char *outdir) {
    /* Header only: the upright size decides the shrink-on-load factor. */
    VipsImage *header = vips_image_new_from_file(file, NULL);
    if (!header) return -1;
    int w = header->Xsize, h = header->Ysize;
    int orientation = vips_image_get_orientation(header);
    g_object_unref(header);
    if (orientation >= 5) { int t = w; w = h; h = t; }
    double largest = 0;
    for (size_t i = 0; i < NSPECS; i++) { double r = ratio_for(&specs[i], w, h); if (r > largest) largest = r; }
    int shrink = 1;
    while (shrink < 8 && largest * shrink * 2 <= 1.0) shrink *= 2;

    VipsImage *loaded, *decoded, *upright, *base;
    if (!(loaded = vips_image_new_from_file(file, "shrink", shrink, "access", VIPS_ACCESS_SEQUENTIAL, NULL)))
        return -1;
    decoded = vips_image_copy_memory(loaded);  /* decode once, top to bottom */
    g_object_unref(loaded);
    if (!decoded || vips_autorot(decoded, &upright, NULL)) return -1;
    base = vips_image_copy_memory(upright);
    g_object_unref(decoded); g_object_unref(upright);
    if (!base) return -1;

    VipsImage *made[NSPECS + 1]; int nmade = 0;
    made[nmade++] = base;
    char folder[4096];
    const char *slash = strrchr(file, '/');
    snprintf(folder, sizeof folder, "%s/%s", outdir, slash ? slash + 1 : file);
    mkdir(folder, 0755);
    for (size_t i = 0; i < NSPECS; i++) {
        double r = ratio_for(&specs[i], w, h);
        int tw = (int) (w * r + 0.5), th = (int) (h * r + 0.5);
        if (tw < 1) tw = 1;
        if (th < 1) th = 1;
        VipsImage *src = NULL;  /* smallest made image that covers the target */
        for (int j = 0; j < nmade; j++)
            if (made[j]->Xsize >= tw && made[j]->Ysize >= th &&
                (!src || made[j]->Xsize * made[j]->Ysize < src->Xsize * src->Ysize)) src = made[j];
        VipsImage *resized, *step, *out;
        if (src->Xsize == tw && src->Ysize == th) { resized = src; g_object_ref(resized); }
        else if (vips_resize(src, &resized, (double) tw / src->Xsize, "vscale", (double) th / src->Ysize, NULL))
            return -1;
        step = vips_image_copy_memory(resized);
        g_object_unref(resized);
        made[nmade++] = step;
        out = step; g_object_ref(out);
        if (specs[i].square) {
            int side = specs[i].box_w < tw ? specs[i].box_w : tw;
            if (th < side) side = th;
            VipsImage *crop;
            if (vips_crop(step, &crop, (tw - side) / 2, (th - side) / 2, side, side, NULL)) return -1;
            g_object_unref(out); out = crop;
        }
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.jpg", folder, specs[i].name);
        if (vips_jpegsave(out, path, "Q", quality, "interlace", TRUE, "strip", TRUE, NULL)) return -1;
        g_object_unref(out);
    }
    for (int j = 0; j < nmade; j++) g_object_unref(made[j]);
    return 0;
}

int main(int argc, char **argv) {
    if (VIPS_INIT(argv[0])) vips_error_exit(NULL);
    vips_concurrency_set(1);  /* one worker per core, as ironviper runs */
    vips_cache_set_max(0);
    if (getenv("QUALITY")) quality = atoi(getenv("QUALITY"));
    if (argc < 3) { fprintf(stderr, "usage: %s OUTDIR FILE...\n", argv[0]); return 2; }
    for (int i = 2; i < argc; i++)
        if (render(argv[i], argv[1])) { fprintf(stderr, "%s: %s\n", argv[i], vips_error_buffer()); return 1; }
    vips_shutdown();
    return 0;
}
