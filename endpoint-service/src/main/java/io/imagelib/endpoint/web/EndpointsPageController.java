package io.imagelib.endpoint.web;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The API Endpoints page: static HTML + script (src/main/resources/static/ui), a JSON snapshot, and a
 * Server-Sent Events stream of snapshots. All GETs: readable without a token while open-reads is on.
 * "Set admin" on the page calls the existing PATCH /v1/endpoints/{id}, so the validation is the same.
 */
@Controller
class EndpointsPageController {

    private final EndpointsPageEvents events;

    EndpointsPageController(EndpointsPageEvents events) {
        this.events = events;
    }

    @GetMapping({"/", "/ui", "/ui/endpoints"})
    String page() {
        return "forward:/ui/endpoints.html";
    }

    @GetMapping(path = "/ui/snapshot", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    EndpointsPageSnapshot snapshot() {
        return events.snapshot();
    }

    @GetMapping(path = "/ui/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter events() {
        return events.open();
    }
}
