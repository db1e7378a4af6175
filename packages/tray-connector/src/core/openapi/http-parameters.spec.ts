// The shared helper every imported handler uses (22.2): checked against the examples of the OpenAPI
// 3 specification's style table (id = 5 / [3, 4, 5] / { role: 'admin', firstName: 'Alex' }).
import { HttpOperationRequestBuilder } from '@trayio/cdk-dsl/connector/operation/HttpOperationHandler';
import { HttpMethod } from '@trayio/commons/http/Http';
import { none } from 'fp-ts/Option';
import { Readable } from 'stream';
import { encode, type HttpParameter, httpTarget, withParameters } from './files/http-parameters';

const primitive = 5;
const array = [3, 4, 5];
const object = { role: 'admin', firstName: 'Alex' };

function p(
  location: HttpParameter['in'],
  style: HttpParameter['style'],
  explode: boolean,
  extra: Partial<HttpParameter> = {},
): HttpParameter {
  return { name: 'id', in: location, key: 'id', style, explode, ...extra };
}

const path = (param: HttpParameter, id: unknown) => httpTarget('/x/{id}', { id }, [param]).path;
const query = (param: HttpParameter, id: unknown) => httpTarget('/x', { id }, [param]).path;
const header = (param: HttpParameter, id: unknown) => httpTarget('/x', { id }, [param]).headers;

describe('httpTarget: the OpenAPI style examples', () => {
  it.each([
    ['simple', false, '/x/5', '/x/3,4,5', '/x/role,admin,firstName,Alex'],
    ['simple', true, '/x/5', '/x/3,4,5', '/x/role=admin,firstName=Alex'],
    ['label', false, '/x/.5', '/x/.3,4,5', '/x/.role,admin,firstName,Alex'],
    ['label', true, '/x/.5', '/x/.3.4.5', '/x/.role=admin.firstName=Alex'],
    ['matrix', false, '/x/;id=5', '/x/;id=3,4,5', '/x/;id=role,admin,firstName,Alex'],
    ['matrix', true, '/x/;id=5', '/x/;id=3;id=4;id=5', '/x/;role=admin;firstName=Alex'],
  ] as const)('path %s explode=%s', (style, explode, one, many, obj) => {
    expect([
      path(p('path', style, explode), primitive),
      path(p('path', style, explode), array),
      path(p('path', style, explode), object),
    ]).toEqual([one, many, obj]);
  });

  it.each([
    ['form', true, '/x?id=5', '/x?id=3&id=4&id=5', '/x?role=admin&firstName=Alex'],
    ['form', false, '/x?id=5', '/x?id=3,4,5', '/x?id=role,admin,firstName,Alex'],
    ['spaceDelimited', false, '/x?id=5', '/x?id=3%204%205', '/x?id=role%20admin%20firstName%20Alex'],
    ['pipeDelimited', false, '/x?id=5', '/x?id=3|4|5', '/x?id=role|admin|firstName|Alex'],
  ] as const)('query %s explode=%s', (style, explode, one, many, obj) => {
    const param = p('query', style, explode);
    expect([query(param, primitive), query(param, array), query(param, object)]).toEqual([one, many, obj]);
  });

  it('query deepObject', () => {
    expect(query(p('query', 'deepObject', true), object)).toBe('/x?id[role]=admin&id[firstName]=Alex');
  });

  it('header simple, cookie form', () => {
    expect(header(p('header', 'simple', false), array)).toEqual([['id', '3,4,5']]);
    expect(header(p('header', 'simple', true), object)).toEqual([['id', 'role=admin,firstName=Alex']]);
    expect(header(p('header', 'simple', false), object)).toEqual([['id', 'role,admin,firstName,Alex']]);
    expect(header(p('cookie', 'form', false), array)).toEqual([['Cookie', 'id=3,4,5']]);
  });

  it('sends a content: application/json parameter as one JSON value, not exploded (Directus filter)', () => {
    const filter = { status: { _eq: 'published' } };
    const param: HttpParameter = { name: 'filter', in: 'query', key: 'filter', style: 'form', explode: true, content: 'json' };
    expect(httpTarget('/items', { filter }, [param]).path).toBe(`/items?filter=${encode(JSON.stringify(filter))}`);
    expect(decodeURIComponent(httpTarget('/items', { filter }, [param]).path.split('=').slice(1).join('='))).toBe(
      '{"status":{"_eq":"published"}}',
    );
  });

  it('encodes reserved characters unless allowReserved, leaves out absent optional values', () => {
    expect(query(p('query', 'form', true), 'a/b?c&d')).toBe('/x?id=a%2Fb%3Fc%26d');
    expect(query(p('query', 'form', true, { allowReserved: true }), 'a/b:c')).toBe('/x?id=a/b:c');
    expect(httpTarget('/x', {}, [p('query', 'form', true)]).path).toBe('/x');
    expect(httpTarget('/x', { id: null }, [p('header', 'simple', false)]).headers).toEqual([]);
    expect(encode("it's (x)*!")).toBe('it%27s%20%28x%29%2A%21');
  });
});

describe('withParameters', () => {
  class Builder {
    constructor(
      readonly path: string,
      readonly headers: Array<[string, string]> = [],
    ) {}
    withUrl(url: string): Builder {
      return new Builder(url, this.headers);
    }
    addHeader(name: string, value: string): Builder {
      return new Builder(this.path, [...this.headers, [name, value]]);
    }
  }

  it('keeps the base URL before the DSL path and replaces the rest by the serialized target', () => {
    const params: HttpParameter[] = [p('path', 'simple', false), { name: 'q', in: 'query', key: 'q', style: 'form', explode: true }];
    const out = withParameters(new Builder('https://api.example.com/v1/x/:id'), '/x/:id', '/x/{id}', { id: 'a b', q: ['1', '2'] }, params, [
      ['key', 't/k'],
    ]);
    expect(out.path).toBe('https://api.example.com/v1/x/a%20b?q=1&q=2&key=t%2Fk');
  });

  it('adds cookie parameters to a Cookie header the auth already set (an API key cookie), instead of replacing it (29.3)', () => {
    const builder = (headers: Record<string, string>) =>
      new HttpOperationRequestBuilder(HttpMethod.Get, 'https://api.example.com/x', {
        headers,
        pathParams: {},
        queryString: {},
        body: Readable.from([]),
        agent: none,
      });
    const headers = (b: HttpOperationRequestBuilder) => (b as unknown as { request: { headers: object } }).request.headers;
    const session: HttpParameter = { name: 'session', in: 'cookie', key: 'session', style: 'form', explode: true };
    expect(headers(withParameters(builder({ Cookie: 'sid=tok%201' }), '/x', '/x', { session: 's 1' }, [session]))).toEqual({
      Cookie: 'sid=tok%201; session=s%201',
    });
    expect(headers(withParameters(builder({}), '/x', '/x', { session: 's' }, [session]))).toEqual({ Cookie: 'session=s' });
  });
});
