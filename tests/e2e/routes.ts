/** Every route of the site, with the heading each must show. New pages join this list. */
export const ROUTES = [{ name: 'index', path: '/', heading: 'Bitwise' }];
