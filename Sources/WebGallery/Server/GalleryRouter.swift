import Catalog
import Hummingbird

/// The routes and the order of the security middleware: headers outermost (so refusals carry them too),
/// then the Host check, credentials when configured, the CSRF check for writes, the previews (`PreviewFiles`, the
/// hottest path, answered before the route lookup), and the handlers.
enum GalleryRouter {
    static func make(
        configuration: GalleryConfiguration, catalog: Catalog, csrfToken: String, cloud: CloudOriginals?,
        cloudPreviews: CloudPreviews?, onRetry: @escaping @Sendable () -> Void
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: HostCheck(configuration: configuration))
        if let hash = configuration.passwordHash {
            router.add(middleware: BasicAuthentication(hash: hash, user: configuration.user))
        }
        router.add(middleware: CSRFProtection(token: csrfToken))
        router.add(middleware: PreviewFiles(catalog: catalog, root: configuration.previewsRoot, cloud: cloudPreviews))
        let summaries = ResultSummaries(catalog: catalog)
        GalleryAPI(catalog: catalog, summaries: summaries, cloud: cloud, onRetry: onRetry).register(on: router)
        GalleryPages(catalog: catalog, summaries: summaries, csrfToken: csrfToken).register(on: router)
        GalleryAssets.register(on: router)
        return router
    }
}
