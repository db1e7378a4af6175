// Written by `nx g tray-connector:import` (the same text for every imported connector; an import
// rewrites it). It turns the input of a multipart/form-data operation into the files and text fields
// of Tray's http DSL (`request.withBodyAsMultipart`): the handlers pass the names of the file parts as data.

/** A file in Tray's file storage, as an operation's input holds it (the DSL's FileReference). */
export interface FileRef {
	name: string;
	url: string;
	mime_type: string;
	expires: number;
}

/** The body `withBodyAsMultipart` takes: file parts by name and text fields by name. */
export interface MultipartBody {
	fields: Record<string, string>;
	files: Record<string, FileRef>;
}

/**
 * The parts of a multipart body: the properties named in `fileParts` are files, the others text fields
 * (primitives as written, objects and lists as JSON). Absent and null properties are not sent.
 */
export function multipart(body: object | undefined, fileParts: readonly string[]): MultipartBody {
	const out: MultipartBody = { fields: {}, files: {} };
	for (const [name, value] of Object.entries(body ?? {})) {
		if (value === undefined || value === null) continue;
		if (fileParts.includes(name)) define(out.files, name, value as FileRef);
		else define(out.fields, name, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	return out;
}

/** Sets an own property, whatever its name (`__proto__` included). */
function define<T>(target: Record<string, T>, name: string, value: T): void {
	Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}
