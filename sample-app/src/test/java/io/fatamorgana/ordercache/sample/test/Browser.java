package io.fatamorgana.ordercache.sample.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SessionNotCreatedException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A headless Chromium driven by Selenium through the {@code chromedriver} on {@code PATH} (Debian's
 * {@code chromium} and {@code chromium-driver}). Test classes that need it are disabled by
 * {@link Installed} where either is missing, and {@link #start()} skips them where the two cannot
 * start a session; both say why. Nothing is downloaded.
 */
public final class Browser implements AutoCloseable {

	private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome");

	/**
	 * Quiet about a Chromium newer than this Selenium's DevTools bindings: the tests speak WebDriver
	 * only. Held here, since java.util.logging keeps its loggers weakly.
	 */
	private static final List<Logger> DEVTOOLS_LOGGERS = severeOnly("org.openqa.selenium.devtools.CdpVersionFinder",
			"org.openqa.selenium.chromium.ChromiumDriver");

	private final ChromeDriverService service;

	private final ChromeDriver driver;

	private Browser(ChromeDriverService service, ChromeDriver driver) {
		this.service = service;
		this.driver = driver;
	}

	/**
	 * Starts a headless Chromium, or skips the test saying why none can be had.
	 * @return the browser
	 */
	public static Browser start() {
		String missing = missing();
		Assumptions.assumeTrue(missing == null, missing);
		Path chromium = Objects.requireNonNull(chromium());
		Path chromedriver = Objects.requireNonNull(onPath("chromedriver"));
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		// --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1400,1000", "--lang=en-US");
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
			.usingAnyFreePort()
			.build();
		try {
			ChromeDriver driver = new ChromeDriver(service, options);
			driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
			return new Browser(service, driver);
		}
		catch (SessionNotCreatedException ex) {
			service.stop();
			Assumptions.abort("Chromium (" + chromium + ") and chromedriver (" + chromedriver
					+ ") could not start a session: " + ex.getRawMessage());
			throw ex;
		}
	}

	/** Why no browser can be started here, or {@code null} when Chromium and chromedriver are installed. */
	private static @Nullable String missing() {
		if (chromium() == null) {
			return "No Chromium on PATH (" + String.join(", ", BROWSERS) + "): install Debian's chromium and "
					+ "chromium-driver (.ci/run does where apt-get works) to run the browser tests";
		}
		if (onPath("chromedriver") == null) {
			return "No chromedriver on PATH: install Debian's chromium-driver to run the browser tests";
		}
		return null;
	}

	private static @Nullable Path chromium() {
		return BROWSERS.stream().map(Browser::onPath).filter(Objects::nonNull).findFirst().orElse(null);
	}

	private static List<Logger> severeOnly(String... names) {
		List<Logger> loggers = Stream.of(names).map(Logger::getLogger).toList();
		loggers.forEach((logger) -> logger.setLevel(Level.SEVERE));
		return loggers;
	}

	private static @Nullable Path onPath(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		return Stream.of(path.split(File.pathSeparator))
			.map((directory) -> Path.of(directory, name))
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
	}

	/**
	 * Opens a page.
	 * @param url the page's address
	 */
	public void open(String url) {
		this.driver.get(url);
	}

	/**
	 * The visible text of the element with an id.
	 * @param id the element's id
	 * @return its text
	 */
	public String text(String id) {
		return this.driver.findElement(By.id(id)).getText();
	}

	/**
	 * An attribute of the element with an id.
	 * @param id the element's id
	 * @param name the attribute's name
	 * @return its value, or {@code null}
	 */
	public @Nullable String attribute(String id, String name) {
		return this.driver.findElement(By.id(id)).getDomAttribute(name);
	}

	/**
	 * The visible texts of the elements a CSS selector finds, read at one moment.
	 * @param selector the selector
	 * @return their texts, in document order
	 */
	@SuppressWarnings("unchecked")
	public List<String> texts(String selector) {
		return (List<String>) Objects.requireNonNull(
				script("return Array.from(document.querySelectorAll(arguments[0]), (e) => e.innerText);", selector));
	}

	/**
	 * Runs a script in the page.
	 * @param script the script's body
	 * @param arguments its {@code arguments}
	 * @return what it returned
	 */
	public @Nullable Object script(String script, Object... arguments) {
		return this.driver.executeScript(script, arguments);
	}

	/**
	 * The page's console errors and failed loads since the last call.
	 * @return the messages
	 */
	public List<String> errors() {
		return this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	/**
	 * Saves what the browser shows.
	 * @param file a PNG file, replaced if it exists
	 */
	public void screenshot(Path file) {
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.write(file, this.driver.getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Disables a test class, with the reason, where no Chromium or chromedriver is installed, before
	 * its application context is started.
	 */
	public static final class Installed implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			String missing = missing();
			return (missing != null) ? ConditionEvaluationResult.disabled(missing)
					: ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
		}

	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			this.service.stop();
		}
	}

}
