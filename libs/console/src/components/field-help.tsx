import { FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core';

/**
 * What a form field says below itself: the API's (or the page's) message when it refused the
 * value, else the field's help. `id` is what the input's aria-describedby names; the error also
 * has `<id>-error`, for tests and assistive technology alike.
 */
export function FieldHelp({ id, error, help }: { id: string; error?: string | undefined; help?: string | undefined }) {
  if (!error && !help) return null;
  return (
    <FormHelperText>
      <HelperText id={`${id}-help`}>
        {error ? (
          <HelperTextItem variant="error" id={`${id}-error`}>
            {error}
          </HelperTextItem>
        ) : (
          <HelperTextItem>{help}</HelperTextItem>
        )}
      </HelperText>
    </FormHelperText>
  );
}
