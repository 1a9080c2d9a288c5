package io.fatamorgana.ordercache.sample.order;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;

/**
 * A period number: the characters the cache accepts in keys, at most 64 of them so that the order
 * numbers made from it stay within the cache's 128.
 */
@Documented
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
@ReportAsSingleViolation
@Pattern(regexp = "[A-Za-z0-9_:.-]{1,64}")
@interface PeriodNumber {

	String message() default "must be 1 to 64 characters from A-Z a-z 0-9 _ : . -";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
