package io.fatamorgana.ordercache.sample.web;

import java.math.BigDecimal;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.fatamorgana.ordercache.OrderCacheException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Answers every error with RFC 9457 problem details. A bad request names each offending field, as
 * the client wrote it (snake_case body properties, path variables, headers), in an {@code errors}
 * list of {@code {"field": ..., "message": ...}}, and the request has written nothing.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Log logger = LogFactory.getLog(ProblemDetailsAdvice.class);

	private static final String BODY = "body";

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		addErrors(problems, ex.getBindingResult().getAllErrors());
		return badRequest(ex, problems, headers, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
			HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		for (ParameterValidationResult result : ex.getParameterValidationResults()) {
			if (result instanceof ParameterErrors errors) {
				addErrors(problems, errors.getAllErrors());
				continue;
			}
			String field = parameterName(result.getMethodParameter());
			for (MessageSourceResolvable error : result.getResolvableErrors()) {
				problems.add(new FieldProblem(field, message(error)));
			}
		}
		return badRequest(ex, problems, headers, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return badRequest(ex, List.of(unreadable(ex)), headers, request);
	}

	@ExceptionHandler
	ResponseEntity<Object> handleOrderCacheException(OrderCacheException ex, WebRequest request) {
		logger.warn("Cache request failed: " + ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The cache is unavailable; orders are still served from the database");
		problem.setTitle("Cache unavailable");
		return createResponseEntity(problem, new HttpHeaders(), HttpStatus.SERVICE_UNAVAILABLE, request);
	}

	private ResponseEntity<Object> badRequest(Exception ex, List<FieldProblem> problems, HttpHeaders headers,
			WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				problems.stream().map((p) -> p.field() + " " + p.message()).collect(Collectors.joining("; ")));
		problem.setTitle("Invalid request");
		problem.setProperty("errors", problems.stream().map(FieldProblem::asMap).toList());
		return createResponseEntity(problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	private static void addErrors(List<FieldProblem> problems, List<ObjectError> errors) {
		for (ObjectError error : errors) {
			String field = (error instanceof FieldError fieldError) ? snakeCase(fieldError.getField()) : BODY;
			problems.add(new FieldProblem(field, message(error)));
		}
	}

	private static FieldProblem unreadable(HttpMessageNotReadableException ex) {
		JacksonException jackson = findCause(ex, JacksonException.class);
		if (jackson == null) {
			return new FieldProblem(BODY, "is missing or is not readable JSON");
		}
		if (jackson instanceof StreamConstraintsException) {
			return new FieldProblem(BODY, "is too large: " + jackson.getOriginalMessage());
		}
		if (jackson instanceof StreamReadException) {
			TokenStreamLocation location = jackson.getLocation();
			return new FieldProblem(BODY, "is not valid JSON" + ((location != null)
					? " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")" : ""));
		}
		String field = path(jackson);
		if (jackson instanceof UnrecognizedPropertyException) {
			return new FieldProblem(field, "is not a known property");
		}
		IllegalArgumentException rejected = findCause(jackson, IllegalArgumentException.class);
		if (rejected != null && rejected.getMessage() != null) {
			// Our own value types (OrderStatus) explain what they accept.
			return new FieldProblem(field, rejected.getMessage());
		}
		if (jackson instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
			return new FieldProblem(field, expected(mismatched.getTargetType()));
		}
		return new FieldProblem(field, "has an invalid value");
	}

	private static String expected(Class<?> type) {
		if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
			return "must be a number" + ((type == BigDecimal.class) ? " such as 100.00" : "");
		}
		if (Temporal.class.isAssignableFrom(type)) {
			return "must be an ISO-8601 timestamp such as 2024-12-01T10:05:00Z";
		}
		if (type == String.class) {
			return "must be a string";
		}
		return "has an invalid value";
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append((path.length() > 0) ? "." : "").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return (path.length() > 0) ? path.toString() : BODY;
	}

	private static String parameterName(MethodParameter parameter) {
		RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
		if (header != null && !header.name().isEmpty()) {
			return header.name();
		}
		PathVariable pathVariable = parameter.getParameterAnnotation(PathVariable.class);
		String name = (pathVariable != null && !pathVariable.name().isEmpty()) ? pathVariable.name()
				: parameter.getParameterName();
		return snakeCase((name != null) ? name : "parameter " + parameter.getParameterIndex());
	}

	private static String message(MessageSourceResolvable error) {
		String message = error.getDefaultMessage();
		return (message != null) ? message : "is invalid";
	}

	private static String snakeCase(String name) {
		return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
	}

	private static <T extends Throwable> @Nullable T findCause(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private record FieldProblem(String field, String message) {

		Map<String, String> asMap() {
			Map<String, String> map = new LinkedHashMap<>();
			map.put("field", this.field);
			map.put("message", this.message);
			return map;
		}

	}

}
