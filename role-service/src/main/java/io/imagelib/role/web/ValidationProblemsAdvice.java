package io.imagelib.role.web;

import io.imagelib.support.web.Problems;
import java.util.stream.Collectors;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;

/** Bean-validation failures as an imagelib problem that lists every offending field, not just "Invalid request content". */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ValidationProblemsAdvice {

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ProblemDetail invalidBody(MethodArgumentNotValidException e) {
        return invalid(e.getBindingResult().getAllErrors().stream()
                .map(error -> (error instanceof FieldError field ? field.getField() : error.getObjectName())
                        + " " + error.getDefaultMessage())
                .sorted().collect(Collectors.joining("; ")));
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ProblemDetail invalidParameters(HandlerMethodValidationException e) {
        return invalid(e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> describe(result.getMethodParameter().getParameterName(), error)))
                .sorted().collect(Collectors.joining("; ")));
    }

    private static String describe(String parameter, MessageSourceResolvable error) {
        String name = error instanceof FieldError field ? field.getField() : parameter;
        return name + " " + error.getDefaultMessage();
    }

    private static ProblemDetail invalid(String what) {
        return Problems.detail(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "The request is not valid: " + what + ". Host ids and regions match " + RoleController.ID + ".");
    }
}
