package io.fatamorgana.ordercache.codec;

import java.time.Instant;
import java.util.TimeZone;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Turns orders into the JSON the design document specifies and back: snake_case property names,
 * ISO-8601 timestamps in UTC, decimals exactly as they are, no type information. The mapper is the
 * cache's own, so an application's {@code spring.jackson.*} settings cannot change what is stored.
 */
public final class OrderCodec {

	private final JsonMapper mapper;

	private final ObjectWriter writer;

	private final ClassValue<ObjectReader> readers;

	/** Creates a codec with the stored format's settings. */
	public OrderCodec() {
		JsonMapper mapper = JsonMapper.builder()
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.defaultTimeZone(TimeZone.getTimeZone("UTC"))
			.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
			.enable(DateTimeFeature.WRITE_DATES_WITH_CONTEXT_TIME_ZONE)
			.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.addModule(new SimpleModule("ordercache-instants").addDeserializer(Instant.class,
					new UtcInstantDeserializer()))
			.build();
		this.mapper = mapper;
		this.writer = mapper.writer();
		this.readers = new ClassValue<>() {
			@Override
			protected ObjectReader computeValue(Class<?> type) {
				return mapper.readerFor(type);
			}
		};
	}

	/**
	 * The name a Java property has in the stored JSON.
	 * @param property a property name, such as {@code updatedAt}
	 * @return its JSON name, such as {@code updated_at}
	 */
	public String jsonName(String property) {
		return PropertyNamingStrategies.SNAKE_CASE.nameForField(null, null, property);
	}

	/**
	 * Writes an order as JSON.
	 * @param order the order
	 * @return UTF-8 JSON
	 * @throws JacksonException if the order cannot be written
	 */
	public byte[] encode(Object order) {
		return this.writer.writeValueAsBytes(order);
	}

	/**
	 * Reads an order from JSON.
	 * @param json UTF-8 JSON as stored
	 * @param type the class to read
	 * @param <T> the order type
	 * @return the order
	 * @throws JacksonException if the JSON is not a readable order of that type
	 */
	public <T> T decode(byte[] json, Class<T> type) {
		T order = this.readers.get(type).readValue(json);
		if (order == null) {
			throw new IllegalArgumentException("Stored value is JSON null, not an order");
		}
		return order;
	}

	/**
	 * Tells whether stored bytes are a JSON object that names an order number: an order written by
	 * another version of the application, which this class may fail to read.
	 * @param json the stored bytes
	 * @param orderNoName the JSON name of the order number
	 * @param orderNo the order number
	 * @return {@code true} if the JSON is an object whose order number is {@code orderNo}
	 */
	public boolean isObjectNaming(byte[] json, String orderNoName, String orderNo) {
		try {
			JsonNode tree = this.mapper.readTree(json);
			return tree != null && tree.isObject() && orderNo.equals(tree.path(orderNoName).asString(null));
		}
		catch (JacksonException ex) {
			return false;
		}
	}

}
