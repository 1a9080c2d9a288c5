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
 * An order number: the characters and length the cache accepts as a hash field.
 */
@Documented
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
@ReportAsSingleViolation
@Pattern(regexp = "[A-Za-z0-9_:.-]{1,128}")
@interface OrderNumber {

	String message() default "must be 1 to 128 characters from A-Z a-z 0-9 _ : . -";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
