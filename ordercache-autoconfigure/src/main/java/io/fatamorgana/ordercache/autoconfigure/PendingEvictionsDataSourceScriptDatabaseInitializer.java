package io.fatamorgana.ordercache.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.fatamorgana.ordercache.jdbc.JdbcPendingEvictionStore;

import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;

/**
 * Creates the pending evictions table at startup when
 * {@code ordercache.pending-evictions.jdbc.initialize-schema} says so (by default on an embedded
 * database only), with the shipped script of the database's platform and the configured table name.
 * May be registered as a bean to override the auto-configured one.
 */
public class PendingEvictionsDataSourceScriptDatabaseInitializer
		extends PropertiesBasedDataSourceScriptDatabaseInitializer<PendingEvictionsJdbcProperties> {

	private final String tableName;

	/**
	 * Creates the initializer.
	 * @param dataSource the application's data source
	 * @param properties the table's configuration
	 */
	public PendingEvictionsDataSourceScriptDatabaseInitializer(DataSource dataSource,
			PendingEvictionsJdbcProperties properties) {
		super(dataSource, properties);
		this.tableName = properties.getTableName();
	}

	@Override
	protected void runScripts(Scripts scripts) {
		if (JdbcPendingEvictionStore.DEFAULT_TABLE_NAME.equals(this.tableName)) {
			super.runScripts(scripts);
			return;
		}
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		List<Resource> renamed = new ArrayList<>();
		for (Resource script : scripts) {
			try {
				String sql = StreamUtils.copyToString(script.getInputStream(), encoding)
					.replace(JdbcPendingEvictionStore.DEFAULT_TABLE_NAME, this.tableName);
				renamed.add(new ByteArrayResource(sql.getBytes(encoding), script.getDescription()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not read " + script.getDescription(), ex);
			}
		}
		super.runScripts(new Scripts(renamed).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(encoding));
	}

}
