package io.imagelib.router.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A plain servlet for {@code /v2/*} and {@code /regions/*}: no Spring MVC message conversion in the data path, the
 * raw request and response streams go straight to {@link ImageProxy}.
 */
public final class ImageProxyServlet extends HttpServlet {

    private final transient ImageProxy proxy;

    public ImageProxyServlet(ImageProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        proxy.handle(request, response);
    }
}
