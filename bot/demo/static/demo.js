// The demo page: three chats with the bot, played through the sandbox's control API.
// Each pane long-polls its chat's event log and renders messages, edits, files, albums, inline
// buttons and reply keyboards as Telegram would; "↩ Reply" on a bot message makes the next
// message sent a Telegram reply to it. Plain JavaScript, no build step, no network beyond this
// page's own server.
"use strict";

const POLL_WAIT = 25;
let bootId = null;

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ok: false, error: response.statusText}));
  if (!data.ok) throw new Error(data.error || response.statusText);
  return data.result;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function setStatus(ok, text) {
  const status = document.getElementById("status");
  status.textContent = ok ? "connected" : `disconnected: ${text} (is fieldbot demo running?)`;
  status.className = `status ${ok ? "ok" : "down"}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A message in one line, as Telegram shows what a reply answers.
function summary(message) {
  const text = message.text !== undefined ? message.text : message.caption;
  if (text) return text.split("\n")[0];
  if (message.photo && message.photo.length) return "📷 Photo";
  if (message.voice) return "🎤 Voice message";
  if (message.video) return "🎬 Video";
  if (message.document) return `📄 ${message.document.file_name || "File"}`;
  return "Message";
}

function fileUrl(file) {
  return `/demo/files/${encodeURIComponent(file.file_id)}`;
}

function clock(seconds) {
  const date = new Date(seconds * 1000);
  return date.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
}

class Pane {
  constructor(config, languages) {
    this.config = config;
    this.language = config.language;
    this.after = 0;
    this.bubbles = new Map();  // message_id -> .msg element
    this.albums = new Map();  // media_group_id -> .album element holding its messages
    this.replyTo = null;  // {id, text}: the bot message the next message answers
    this.oneTimeKeyboard = false;
    const template = document.getElementById("pane-template");
    this.root = template.content.firstElementChild.cloneNode(true);
    this.root.dataset.key = config.key;
    this.log = this.root.querySelector(".log");
    this.keyboard = this.root.querySelector(".keyboard");
    this.input = this.root.querySelector(".text");
    this.toastBox = this.root.querySelector(".toast");
    this.replyBar = this.root.querySelector(".replying");
    this.root.querySelector(".title").textContent = config.title;
    this.root.querySelector(".subtitle").textContent = config.subtitle;
    this.root.querySelector(".avatar").textContent = config.title.slice(0, 1);
    this.buildLanguages(languages);
    this.buildChips();
    this.buildComposer();
  }

  // -- what the person does -----------------------------------------------------------------

  who() {
    return {first_name: this.config.first_name, language_code: this.language};
  }

  async act(path, body, asReply = false) {
    const reply = asReply && this.replyTo ? {reply_to: this.replyTo.id} : {};
    try {
      const result = await api(path, {...this.who(), ...body, ...reply});
      if (asReply) this.setReply(null);
      return result;
    } catch (error) {
      this.toast(`Could not send: ${error.message}`);
      return null;
    }
  }

  sendText(text) {
    const user = this.config.user_id;
    return this.act(`/sandbox/users/${user}/text`, {text, chat_id: this.config.chat_id}, true);
  }

  // The stock photo, document or voice note, with the typed text as its caption.
  sendFile(kind) {
    const caption = this.input.value.trim();
    this.input.value = "";
    return this.act(`/demo/panes/${this.config.key}/${kind}`, {caption}, true);
  }

  setReply(message) {
    this.replyTo = message ? {id: message.message_id, text: summary(message)} : null;
    this.replyBar.hidden = !message;
    if (!message) return;
    this.replyBar.querySelector(".quoted").textContent = this.replyTo.text;
    this.input.focus();
  }

  press(messageId, data) {
    const user = this.config.user_id;
    return this.act(`/sandbox/users/${user}/press`, {
      chat_id: this.config.chat_id, message_id: messageId, data,
    });
  }

  shareContact() {
    return this.act(`/sandbox/users/${this.config.user_id}/contact`, {phone: this.config.phone});
  }

  shareLocation() {
    const [latitude, longitude] = this.config.location;
    return this.act(`/sandbox/users/${this.config.user_id}/location`, {latitude, longitude});
  }

  async switchLanguage(code) {
    const select = this.root.querySelector(".language");
    select.disabled = true;
    try {
      await api(`/demo/panes/${this.config.key}/language`, {language: code});
      this.language = code;
    } catch (error) {
      this.toast(`Language not changed: ${error.message}`);
      select.value = this.language;
    } finally {
      select.disabled = false;
    }
  }

  // -- building the pane ----------------------------------------------------------------------

  buildLanguages(languages) {
    const select = this.root.querySelector(".language");
    for (const language of languages) {
      const option = element("option", "", language.name);
      option.value = language.code;
      select.append(option);
    }
    select.value = this.language;
    select.addEventListener("change", () => this.switchLanguage(select.value));
  }

  buildChips() {
    const chips = this.root.querySelector(".chips");
    for (const command of this.config.commands) {
      const chip = element("button", "", command);
      chip.type = "button";
      chip.addEventListener("click", () => this.sendText(command));
      chips.append(chip);
    }
  }

  buildComposer() {
    const form = this.root.querySelector(".composer");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.sendText(text);
    });
    const contact = this.root.querySelector(".contact");
    const location = this.root.querySelector(".location");
    // Contacts and locations are shared in private chats, as in Telegram's own client.
    contact.hidden = this.config.group || !this.config.phone;
    location.hidden = this.config.group || !this.config.location;
    contact.addEventListener("click", () => this.shareContact());
    location.addEventListener("click", () => this.shareLocation());
    for (const kind of ["photo", "document", "voice"]) {
      this.root.querySelector(`.${kind}`).addEventListener("click", () => this.sendFile(kind));
    }
    this.replyBar.querySelector(".cancel").addEventListener("click", () => this.setReply(null));
  }

  toast(text, alert = false) {
    const box = this.toastBox;
    box.replaceChildren(element("div", "", text));
    box.hidden = false;
    clearTimeout(this.toastTimer);
    if (alert) {
      const ok = element("button", "", "OK");
      ok.type = "button";
      ok.addEventListener("click", () => { box.hidden = true; });
      box.append(ok);
    } else {
      this.toastTimer = setTimeout(() => { box.hidden = true; }, 2500);
    }
  }

  // -- what the chat shows --------------------------------------------------------------------

  async poll() {
    const chat = this.config.chat_id;
    for (;;) {
      try {
        const result = await api(
          `/sandbox/chats/${chat}/messages?after=${this.after}&wait=${POLL_WAIT}`);
        result.events.forEach((event) => this.apply(event));
        this.after = result.last_seq;
        setStatus(true);
      } catch (error) {
        setStatus(false, error.message);
        await sleep(1500);
        await reloadIfRestarted();
      }
    }
  }

  apply(event) {
    if (event.kind === "answer") {
      const answer = event.answer;
      if (answer.text) this.toast(answer.text, answer.show_alert);
      return;
    }
    const message = event.message;
    if (!message) return;
    const existing = this.bubbles.get(message.message_id);
    if (event.kind === "delete" || message.deleted) {
      if (existing) existing.remove();
      this.bubbles.delete(message.message_id);
      return;
    }
    const rendered = this.render(message, event.kind === "edit");
    if (existing) {
      existing.replaceWith(rendered);
      rendered.querySelector(".bubble").classList.add("flash");
    } else if (message.media_group_id) {
      this.album(message).append(rendered);
    } else {
      this.log.append(rendered);
    }
    this.bubbles.set(message.message_id, rendered);
    if (event.kind === "message" && message.from_bot) {
      this.updateKeyboard(message.reply_markup);
      // ForceReply: the bot asks for a typed answer, and Telegram opens the reply to it.
      if (message.reply_markup && message.reply_markup.force_reply) this.setReply(message);
    }
    this.log.scrollTop = this.log.scrollHeight;
  }

  // The block an album's messages share, as Telegram groups them.
  album(message) {
    let album = this.albums.get(message.media_group_id);
    if (!album) {
      album = element("div", `album ${message.from_bot ? "bot" : "user"}`);
      this.albums.set(message.media_group_id, album);
      this.log.append(album);
    }
    return album;
  }

  render(message, edited) {
    const mine = !message.from_bot && message.from && message.from.id === this.config.user_id;
    const wrapper = element("div", `msg ${message.from_bot ? "bot" : "user"}`);
    wrapper.dataset.messageId = message.message_id;
    const bubble = element("div", "bubble");
    if (this.config.group && !mine) {
      const name = message.from_bot ? "fieldbot" : (message.from || {}).first_name;
      bubble.append(element("span", "sender", name || ""));
    }
    const answered = message.reply_to_message;
    if (answered) {
      const quote = element("div", "quote");
      const from = answered.from || {};
      quote.append(element("strong", "", from.is_bot ? "fieldbot" : from.first_name || ""));
      quote.append(element("span", "", summary(answered)));
      bubble.append(quote);
    }
    if (message.photo && message.photo.length) {
      const largest = message.photo[message.photo.length - 1];
      const image = element("img");
      image.alt = "photo";
      image.src = `/demo/files/${encodeURIComponent(largest.file_id)}`;
      image.addEventListener("error", () => image.replaceWith(element("span", "", "📷 Photo")));
      bubble.append(image);
    }
    if (message.document) {
      const link = element("a", "file", `📄 ${message.document.file_name || "file"}`);
      link.href = fileUrl(message.document);
      link.target = "_blank";
      bubble.append(link);
    }
    if (message.voice) {
      const voice = element("div", "voice");
      voice.append(element("span", "", `🎤 ${message.voice.duration || 0}s`));
      const audio = element("audio");
      audio.controls = true;
      audio.preload = "none";
      audio.src = fileUrl(message.voice);
      voice.append(audio);
      bubble.append(voice);
    }
    if (message.video) {
      const video = element("video");
      video.controls = true;
      video.preload = "metadata";
      video.src = fileUrl(message.video);
      video.addEventListener("error", () => video.replaceWith(element("span", "", "🎬 Video")));
      bubble.append(video);
    }
    if (message.contact) {
      bubble.append(element("span", "", `📱 ${message.contact.phone_number}`));
    }
    if (message.location) {
      const {latitude, longitude} = message.location;
      bubble.append(element("span", "", `📍 ${latitude.toFixed(4)}, ${longitude.toFixed(4)}`));
    }
    const text = message.text !== undefined ? message.text : message.caption;
    if (text) bubble.append(element("span", "text", text));
    const meta = edited || message.edit_date ? `edited ${clock(message.date)}` : clock(message.date);
    bubble.append(element("span", "meta", meta));
    wrapper.append(bubble);
    const markup = message.reply_markup;
    if (markup && markup.inline_keyboard) wrapper.append(this.inlineKeyboard(message, markup));
    if (message.from_bot) {
      const reply = element("button", "reply", "↩ Reply");
      reply.type = "button";
      reply.title = "Answer this message with Telegram's Reply";
      reply.addEventListener("click", () => this.setReply(message));
      wrapper.append(reply);
    }
    return wrapper;
  }

  inlineKeyboard(message, markup) {
    const box = element("div", "inline");
    for (const row of markup.inline_keyboard) {
      const line = element("div", "row");
      for (const button of row) {
        if (button.url) {
          const link = element("a", "", button.text);
          link.href = button.url;
          link.target = "_blank";
          line.append(link);
          continue;
        }
        const node = element("button", "", button.text);
        node.type = "button";
        node.addEventListener("click", () => this.press(message.message_id, button.callback_data));
        line.append(node);
      }
      box.append(line);
    }
    return box;
  }

  updateKeyboard(markup) {
    if (!markup) return;
    if (markup.remove_keyboard) {
      this.showKeyboard(null);
    } else if (markup.keyboard) {
      this.oneTimeKeyboard = Boolean(markup.one_time_keyboard);
      this.showKeyboard(markup.keyboard);
    }
  }

  showKeyboard(rows) {
    this.keyboard.replaceChildren();
    this.keyboard.hidden = !rows;
    if (!rows) return;
    for (const row of rows) {
      const line = element("div", "row");
      for (const key of row) {
        const button = typeof key === "string" ? {text: key} : key;
        const node = element("button", "", button.text);
        node.type = "button";
        node.addEventListener("click", () => this.keyPressed(button));
        line.append(node);
      }
      this.keyboard.append(line);
    }
  }

  keyPressed(button) {
    if (button.request_contact) this.shareContact();
    else if (button.request_location) this.shareLocation();
    else this.sendText(button.text);
    if (this.oneTimeKeyboard) this.showKeyboard(null);
  }
}

async function reloadIfRestarted() {
  try {
    const config = await api("/demo/config");
    if (bootId !== null && config.boot !== bootId) window.location.reload();
  } catch (error) {
    // still down; the next poll tries again
  }
}

async function main() {
  const config = await api("/demo/config");
  bootId = config.boot;
  setStatus(true);
  const container = document.getElementById("panes");
  const panes = config.panes.map((pane) => new Pane(pane, config.languages));
  panes.forEach((pane) => container.append(pane.root));
  panes.forEach((pane) => pane.poll());
}

main().catch((error) => setStatus(false, error.message));
