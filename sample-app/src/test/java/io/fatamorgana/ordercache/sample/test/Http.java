package io.fatamorgana.ordercache.sample.test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A raw HTTP client for the tests, so that they can send what a real client may send: malformed
 * JSON, chunked bodies, odd headers.
 */
public final class Http {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String baseUrl;

	public Http(int port) {
		this.baseUrl = "http://127.0.0.1:" + port;
	}

	public Response get(String path, String... headers) {
		return send(request(path, headers).GET());
	}

	public Response post(String path, String body, String... headers) {
		return send(request(path, headers).POST(BodyPublishers.ofString(body)));
	}

	/** Posts without a Content-Length, chunked, as a streaming client does. */
	public Response postChunked(String path, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		BodyPublisher publisher = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
		return send(request(path).POST(publisher));
	}

	public Response put(String path, String body) {
		return send(request(path).PUT(BodyPublishers.ofString(body)));
	}

	public Response delete(String path) {
		return send(request(path).DELETE());
	}

	private HttpRequest.Builder request(String path, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, application/problem+json");
		for (int i = 0; i + 1 < headers.length; i += 2) {
			builder.setHeader(headers[i], headers[i + 1]);
		}
		return builder;
	}

	private Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.client.send(request.build(), BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers().firstValue("Content-Type"),
					response.headers().firstValue("Location"), response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An HTTP response.
	 *
	 * @param status the status code
	 * @param contentType the Content-Type header
	 * @param location the Location header
	 * @param body the body as text
	 */
	public record Response(int status, Optional<String> contentType, Optional<String> location, String body) {

		public JsonNode json() {
			return json.readTree(this.body);
		}

		public @Nullable String field(String name) {
			JsonNode node = json().get(name);
			return (node != null && !node.isNull()) ? node.asString() : null;
		}

	}

}
