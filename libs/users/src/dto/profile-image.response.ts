import type { Response } from 'express';
import type { ProfileImage } from '../user.model.js';

/** Writes a profile image the way Open WebUI does: 302 to a URL, inline bytes, or a file. */
export function sendProfileImage(response: Response, image: ProfileImage): void {
  switch (image.kind) {
    case 'redirect':
      response.redirect(302, image.location);
      return;
    case 'inline':
      response
        .status(200)
        .set({
          'Content-Type': image.contentType,
          'Content-Disposition': 'inline',
          'X-Content-Type-Options': 'nosniff',
        })
        .send(image.body);
      return;
    case 'file':
      response.sendFile(image.path);
      return;
  }
}
