<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru" sourcelanguage="en">
<context>
    <name>AppointmentsModel</name>
    <message>
        <source>Date and time</source>
        <extracomment>``Qt.UserRole`` returns the row object.</extracomment>
        <translation>Дата и время</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид приёма</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <source>New appointment</source>
        <extracomment>Most alternatives offered as buttons.</extracomment>
        <translation>Новая запись</translation>
    </message>
    <message>
        <source>By referral (OMS)</source>
        <translation>По направлению (ОМС)</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Платно</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>Повторный приём</translation>
    </message>
    <message>
        <source>Telemedicine</source>
        <translation>Телемедицина</translation>
    </message>
    <message>
        <source>Number as on the referral</source>
        <translation>Номер как на направлении</translation>
    </message>
    <message>
        <source>— no particular service —</source>
        <translation>— без определённой услуги —</translation>
    </message>
    <message>
        <source> × {minutes} min</source>
        <translation> × {minutes} мин</translation>
    </message>
    <message>
        <source>Kind of visit</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Referral №</source>
        <translation>№ направления</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>Video link</source>
        <translation>Ссылка на видеосвязь</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Book over the schedule</source>
        <translation>Записать сверх расписания</translation>
    </message>
    <message>
        <source>Reason for booking over the schedule</source>
        <translation>Причина записи сверх расписания</translation>
    </message>
    <message>
        <source>Record a past visit</source>
        <translation>Записать задним числом</translation>
    </message>
    <message>
        <source>Reason for recording in the past</source>
        <translation>Причина записи задним числом</translation>
    </message>
    <message>
        <source>Nearest free times:</source>
        <translation>Ближайшее свободное время:</translation>
    </message>
    <message>
        <source>Print ticket</source>
        <translation>Печать талона</translation>
    </message>
    <message>
        <source>Printing tickets comes with the ticket feature; it is not available yet.</source>
        <translation>Печать талона появится вместе с функцией талонов; пока она недоступна.</translation>
    </message>
    <message>
        <source>Book (Enter)</source>
        <translation>Записать (Enter)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>, room {number}</source>
        <translation>, кабинет {number}</translation>
    </message>
    <message>
        <source>Choose the patient first</source>
        <translation>Сначала выберите пациента</translation>
    </message>
    <message>
        <source>Reason: required</source>
        <translation>Причина: обязательное поле</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>каб. {number}</translation>
    </message>
</context>
<context>
    <name>CancelDialog</name>
    <message>
        <source>Cancel the appointment</source>
        <translation>Отменить запись</translation>
    </message>
    <message>
        <source>Cancel &lt;b&gt;{what}&lt;/b&gt;?</source>
        <translation>Отменить запись &lt;b&gt;{what}&lt;/b&gt;?</translation>
    </message>
    <message>
        <source>By the patient</source>
        <translation>Пациентом</translation>
    </message>
    <message>
        <source>By the clinic</source>
        <translation>Клиникой</translation>
    </message>
    <message>
        <source>Why the appointment is cancelled</source>
        <translation>Почему запись отменяется</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Кем отменена</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Less than 24 hours are left before the appointment. As a manager you may still cancel it: the reason is recorded as your override.</source>
        <translation>До приёма осталось меньше 24 часов. Как менеджер вы можете отменить запись: причина будет записана как ваше решение вопреки правилу.</translation>
    </message>
    <message>
        <source>Less than 24 hours are left before the appointment: only a manager may cancel it now.</source>
        <translation>До приёма осталось меньше 24 часов: теперь отменить запись может только менеджер.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
</context>
<context>
    <name>CardEditor</name>
    <message>
        <source>The identity-document key is not loaded.</source>
        <translation>Ключ документов не загружен.</translation>
    </message>
    <message>
        <source>Patient&apos;s card</source>
        <translation>Карта пациента</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>Новый пациент</translation>
    </message>
    <message>
        <source>{name} — patient&apos;s card</source>
        <translation>{name} — карта пациента</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Сохранено.</translation>
    </message>
    <message>
        <source>Check the marked fields: {count}</source>
        <translation>Проверьте отмеченные поля: {count}</translation>
    </message>
    <message>
        <source>Open the card</source>
        <translation>Открыть карту</translation>
    </message>
    <message>
        <source>{message}. Is it the same person?</source>
        <translation>{message}. Это тот же человек?</translation>
    </message>
    <message>
        <source>Save anyway</source>
        <translation>Всё равно сохранить</translation>
    </message>
</context>
<context>
    <name>CardHeader</name>
    <message>
        <source>Show documents</source>
        <translation>Показать документы</translation>
    </message>
    <message>
        <source>Viewing the documents is recorded in the journal</source>
        <translation>Просмотр документов записывается в журнал</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <source>Opening the card…</source>
        <translation>Карта открывается…</translation>
    </message>
    <message>
        <source>The card could not be opened</source>
        <translation>Карту не удалось открыть</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>Новый пациент</translation>
    </message>
    <message>
        <source>Last name, first name, birth date and phone are enough to book by phone.</source>
        <translation>Для записи по телефону достаточно фамилии, имени, даты рождения и телефона.</translation>
    </message>
    <message>
        <source>Card No. {id} · born {birth} · changed {changed}</source>
        <translation>Карта № {id} · дата рождения {birth} · изменена {changed}</translation>
    </message>
</context>
<context>
    <name>CardLabels</name>
    <message>
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Пол</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>SNILS</source>
        <translation>СНИЛС</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>Паспорт: серия и номер</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Subdivision code</source>
        <translation>Код подразделения</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдан</translation>
    </message>
    <message>
        <source>Other document</source>
        <translation>Другой документ</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>Номер документа</translation>
    </message>
    <message>
        <source>Policy kind</source>
        <translation>Вид полиса</translation>
    </message>
    <message>
        <source>Policy series</source>
        <translation>Серия полиса</translation>
    </message>
    <message>
        <source>Policy number</source>
        <translation>Номер полиса</translation>
    </message>
    <message>
        <source>Policy valid until</source>
        <translation>Полис действует до</translation>
    </message>
    <message>
        <source>Insurer</source>
        <translation>СМО</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Consent to personal data processing</source>
        <translation>Согласие на обработку персональных данных</translation>
    </message>
    <message>
        <source>Consent to SMS</source>
        <translation>Согласие на СМС</translation>
    </message>
    <message>
        <source>Consent to e-mail</source>
        <translation>Согласие на письма</translation>
    </message>
    <message>
        <source>male</source>
        <translation>мужской</translation>
    </message>
    <message>
        <source>female</source>
        <translation>женский</translation>
    </message>
    <message>
        <source>unified number (ENP)</source>
        <translation>единый номер (ЕНП)</translation>
    </message>
    <message>
        <source>old-style policy</source>
        <translation>полис старого образца</translation>
    </message>
    <message>
        <source>temporary certificate</source>
        <translation>временное свидетельство</translation>
    </message>
    <message>
        <source>birth certificate</source>
        <translation>свидетельство о рождении</translation>
    </message>
    <message>
        <source>foreign passport</source>
        <translation>иностранный паспорт</translation>
    </message>
    <message>
        <source>other document</source>
        <translation>другой документ</translation>
    </message>
    <message>
        <source>personal data processing</source>
        <translation>обработка персональных данных</translation>
    </message>
    <message>
        <source>SMS messages</source>
        <translation>СМС-сообщения</translation>
    </message>
    <message>
        <source>e-mail messages</source>
        <translation>письма по эл. почте</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записан</translation>
    </message>
    <message>
        <source>arrived</source>
        <translation>пришёл</translation>
    </message>
    <message>
        <source>at the doctor&apos;s</source>
        <translation>на приёме</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>приём окончен</translation>
    </message>
    <message>
        <source>did not come</source>
        <translation>не пришёл</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>rescheduled</source>
        <translation>перенесено</translation>
    </message>
    <message>
        <source>OMS, by referral</source>
        <translation>ОМС, по направлению</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>платный</translation>
    </message>
    <message>
        <source>follow-up</source>
        <translation>повторный</translation>
    </message>
    <message>
        <source>telemedicine</source>
        <translation>телемедицина</translation>
    </message>
    <message>
        <source>active</source>
        <translation>действует</translation>
    </message>
    <message>
        <source>used</source>
        <translation>использовано</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>закрыто</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>истекло</translation>
    </message>
    <message>
        <source>created</source>
        <translation>создана</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>изменена</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>удалена</translation>
    </message>
    <message>
        <source>documents viewed</source>
        <translation>просмотр документов</translation>
    </message>
    <message>
        <source>consent given</source>
        <translation>согласие дано</translation>
    </message>
    <message>
        <source>consent revoked</source>
        <translation>согласие отозвано</translation>
    </message>
    <message>
        <source>checked in</source>
        <translation>отмечен приход</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>печать</translation>
    </message>
    <message>
        <source>exported</source>
        <translation>выгрузка</translation>
    </message>
    <message>
        <source>card</source>
        <translation>карта</translation>
    </message>
    <message>
        <source>appointment</source>
        <translation>запись</translation>
    </message>
    <message>
        <source>referral</source>
        <translation>направление</translation>
    </message>
</context>
<context>
    <name>CardTabs</name>
    <message>
        <source>Record consent</source>
        <translation>Записать согласие</translation>
    </message>
    <message>
        <source>Revoke the selected one</source>
        <translation>Отозвать выбранное</translation>
    </message>
    <message>
        <source>on</source>
        <translation>от</translation>
    </message>
    <message>
        <source>Appointments</source>
        <translation>Записи</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Направления</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Consents</source>
        <translation>Согласия</translation>
    </message>
    <message>
        <source>Appointments ({n})</source>
        <translation>Записи ({n})</translation>
    </message>
    <message>
        <source>Referrals ({n})</source>
        <translation>Направления ({n})</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <source>Select the consent to revoke</source>
        <translation>Выберите согласие, которое нужно отозвать</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>The card was changed on another workstation</source>
        <translation>Карту изменили на другом рабочем месте</translation>
    </message>
    <message>
        <source>Another workstation saved this card at {time} while you were editing it. Nothing you typed is lost: choose which value to keep in each field, then save.</source>
        <translation>Пока вы редактировали карту, её сохранили на другом рабочем месте в {time}. Всё, что вы ввели, на месте: выберите, какое значение оставить в каждом поле, и сохраните.</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <source>Their value</source>
        <translation>Их значение</translation>
    </message>
    <message>
        <source>Your value</source>
        <translation>Ваше значение</translation>
    </message>
    <message>
        <source>(you did not change it)</source>
        <translation>(вы его не меняли)</translation>
    </message>
    <message>
        <source>Save the chosen values</source>
        <translation>Сохранить выбранное</translation>
    </message>
    <message>
        <source>Back to the card</source>
        <translation>Вернуться к карте</translation>
    </message>
    <message>
        <source>(hidden)</source>
        <translation>(скрыто)</translation>
    </message>
</context>
<context>
    <name>ConsentsModel</name>
    <message>
        <source>Consent</source>
        <translation>Согласие</translation>
    </message>
    <message>
        <source>Given on</source>
        <translation>Дано</translation>
    </message>
    <message>
        <source>Revoked on</source>
        <translation>Отозвано</translation>
    </message>
</context>
<context>
    <name>DbRunner</name>
    <message>
        <source>The database server cannot be reached. Check the network and try again.</source>
        <extracomment>Gets the exception itself beside the message, for callers that act on its type (a conflict carrying both versions, a duplicate naming the existing card).</extracomment>
        <translation>Сервер базы данных недоступен. Проверьте сеть и повторите попытку.</translation>
    </message>
    <message>
        <source>Unexpected error: {error}. The details are in the program&apos;s log.</source>
        <translation>Непредвиденная ошибка: {error}. Подробности записаны в лог программы.</translation>
    </message>
</context>
<context>
    <name>ExceptionEditor</name>
    <message>
        <source>Exception</source>
        <translation>Исключение</translation>
    </message>
    <message>
        <source>e.g. annual leave; courses in the city hospital</source>
        <translation>например: ежегодный отпуск; курсы в городской больнице</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>the doctor&apos;s own room</source>
        <translation>свой кабинет врача</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Appointment history — {patient}</source>
        <translation>История записи — {patient}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Moves&lt;/b&gt;</source>
        <translation>&lt;b&gt;Переносы&lt;/b&gt;</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Откуда</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Куда</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>The appointment was not moved.</source>
        <translation>Запись не переносилась.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Journal&lt;/b&gt;</source>
        <translation>&lt;b&gt;Журнал&lt;/b&gt;</translation>
    </message>
    <message>
        <source>When / field</source>
        <translation>Когда / поле</translation>
    </message>
    <message>
        <source>Who / before</source>
        <translation>Кто / было</translation>
    </message>
    <message>
        <source>What / after</source>
        <translation>Что / стало</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>{patient}: {n} journal entries</source>
        <translation>{patient}: записей в журнале — {n}</translation>
    </message>
    <message>
        <source>{action} (appointment № {id})</source>
        <translation>{action} (запись № {id})</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Было</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Стало</translation>
    </message>
</context>
<context>
    <name>HoldingTray</name>
    <message>
        <source>The doctor became unavailable. Drag each one to a free slot.</source>
        <translation>Врач стал недоступен. Перетащите каждую запись на свободное время.</translation>
    </message>
    <message>
        <source>{patient}, {phone}: drag to a free slot</source>
        <translation>{patient}, {phone}: перетащите на свободное время</translation>
    </message>
    <message>
        <source>Holding tray ({count})</source>
        <translation>Лист переноса ({count})</translation>
    </message>
</context>
<context>
    <name>HoursForm</name>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import patients: {file}</source>
        <translation>Импорт пациентов: {file}</translation>
    </message>
    <message>
        <source>Checking {file}…</source>
        <translation>Проверяю {file}…</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Импортировать</translation>
    </message>
    <message>
        <source>Save errors…</source>
        <translation>Сохранить ошибки…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Importing {file}…</source>
        <translation>Импортирую {file}…</translation>
    </message>
    <message>
        <source>Rows: {total}; to import: {imported}; already present: {present}; rejected: {rejected}.</source>
        <translation>Строк: {total}; к импорту: {imported}; уже есть: {present}; отклонено: {rejected}.</translation>
    </message>
    <message>
        <source>Rows: {total}; imported: {imported}; already present: {present}; rejected: {rejected}.</source>
        <translation>Строк: {total}; импортировано: {imported}; уже есть: {present}; отклонено: {rejected}.</translation>
    </message>
    <message>
        <source>Columns not imported: {columns}</source>
        <translation>Не импортируются столбцы: {columns}</translation>
    </message>
    <message>
        <source>Rejected rows are not imported; fix them and import again.</source>
        <translation>Отклонённые строки не импортируются: исправьте их и импортируйте снова.</translation>
    </message>
    <message>
        <source>Save rejected rows</source>
        <translation>Сохранить отклонённые строки</translation>
    </message>
    <message>
        <source>Workbooks (*.xlsx)</source>
        <translation>Книги Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Cannot save {file}: {error}</source>
        <translation>Не удалось сохранить {file}: {error}</translation>
    </message>
    <message>
        <source>Rejected rows saved to {file}</source>
        <translation>Отклонённые строки сохранены в {file}</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Пользователь</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Рабочее место</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Объект</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>№</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>log in</source>
        <translation>вход</translation>
    </message>
    <message>
        <source>failed login</source>
        <translation>неудачный вход</translation>
    </message>
    <message>
        <source>log out</source>
        <translation>выход</translation>
    </message>
    <message>
        <source>create</source>
        <translation>создание</translation>
    </message>
    <message>
        <source>change</source>
        <translation>изменение</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>удаление</translation>
    </message>
    <message>
        <source>cancellation</source>
        <translation>отмена</translation>
    </message>
    <message>
        <source>rescheduling</source>
        <translation>перенос</translation>
    </message>
    <message>
        <source>check-in</source>
        <translation>отметка о приходе</translation>
    </message>
    <message>
        <source>export</source>
        <translation>выгрузка</translation>
    </message>
    <message>
        <source>print</source>
        <translation>печать</translation>
    </message>
    <message>
        <source>password change</source>
        <translation>смена пароля</translation>
    </message>
    <message>
        <source>demo clinic loaded</source>
        <translation>загрузка демо-клиники</translation>
    </message>
    <message>
        <source>user</source>
        <translation>пользователь</translation>
    </message>
    <message>
        <source>patient</source>
        <translation>пациент</translation>
    </message>
    <message>
        <source>appointment</source>
        <translation>запись на приём</translation>
    </message>
    <message>
        <source>referral</source>
        <translation>направление</translation>
    </message>
    <message>
        <source>doctor</source>
        <translation>врач</translation>
    </message>
    <message>
        <source>schedule</source>
        <translation>расписание</translation>
    </message>
    <message>
        <source>schedule exception</source>
        <translation>исключение в расписании</translation>
    </message>
    <message>
        <source>waiting list</source>
        <translation>лист ожидания</translation>
    </message>
    <message>
        <source>priority request</source>
        <translation>приоритетная запись</translation>
    </message>
    <message>
        <source>payment</source>
        <translation>оплата</translation>
    </message>
    <message>
        <source>medical document</source>
        <translation>медицинский документ</translation>
    </message>
    <message>
        <source>service</source>
        <translation>услуга</translation>
    </message>
    <message>
        <source>clinic settings</source>
        <translation>настройки клиники</translation>
    </message>
    <message>
        <source>done</source>
        <translation>выполнено</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>отказано</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
</context>
<context>
    <name>JournalPage</name>
    <message>
        <source>Journal</source>
        <translation>Журнал</translation>
    </message>
    <message>
        <source>Journal of actions</source>
        <translation>Журнал действий</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>Обновить (F5)</translation>
    </message>
    <message>
        <source>Your role ({role}) may not read the journal. The journal is open to managers and administrators.</source>
        <translation>Вашей роли ({role}) просмотр журнала не разрешён. Журнал доступен менеджерам и администраторам.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>{count} entries shown, newest first.</source>
        <translation>Показано записей: {count}, новые сверху.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>Registratura</source>
        <translation>Регистратура</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Вход</translation>
    </message>
    <message>
        <source>Clinic front desk. Log in to continue.</source>
        <translation>Рабочее место регистратуры клиники. Войдите, чтобы продолжить.</translation>
    </message>
    <message>
        <source>your login</source>
        <translation>ваш логин</translation>
    </message>
    <message>
        <source>password</source>
        <translation>пароль</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Проверка…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>Database: {server}</source>
        <translation>База данных: {server}</translation>
    </message>
    <message>
        <source>Demo clinic</source>
        <translation>Демонстрационная клиника</translation>
    </message>
    <message>
        <source>This is the built-in demo database. Every demo user&apos;s password is {password}. Click a user to fill in the fields; double-click to log in.</source>
        <translation>Это встроенная демонстрационная база. Пароль у всех демонстрационных пользователей — {password}. Щелчок по строке заполняет поля, двойной щелчок — сразу входит.</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>Enter your login.</source>
        <translation>Введите логин.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Введите пароль.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>{name} ({role})</source>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Направления</translation>
    </message>
    <message>
        <source>registering referrals with their validity and days left</source>
        <translation>регистрация направлений со сроком действия и числом оставшихся дней</translation>
    </message>
    <message>
        <source>extensions by a doctor, with the reason kept</source>
        <translation>продление направления врачом с сохранением обоснования</translation>
    </message>
    <message>
        <source>booking by a referral</source>
        <translation>запись на приём по направлению</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Отчёты</translation>
    </message>
    <message>
        <source>visits, no-shows and referrals over a period</source>
        <translation>посещения, неявки и направления за период</translation>
    </message>
    <message>
        <source>export to Excel (for managers)</source>
        <translation>выгрузка в Excel (для менеджеров)</translation>
    </message>
    <message>
        <source>Ctrl+{number}</source>
        <translation>Ctrl+{number}</translation>
    </message>
    <message>
        <source>&amp;Program</source>
        <translation>&amp;Программа</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Обновить</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>П&amp;ереход</translation>
    </message>
</context>
<context>
    <name>NewPatientBox</name>
    <message>
        <source>Last name</source>
        <extracomment>The fields of the minimal card, in the order they are typed. Results shown at once: a booking needs the right one near the top, not paging.</extracomment>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>New patient: the card needs only these fields</source>
        <translation>Новый пациент: для записи достаточно этих полей</translation>
    </message>
    <message>
        <source>DD.MM.YYYY</source>
        <translation>ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <source>{message}: {name}, born {date}. Is it the same person?</source>
        <translation>{message}: {name}, дата рождения {date}. Это тот же человек?</translation>
    </message>
    <message>
        <source>It is them</source>
        <translation>Это он</translation>
    </message>
    <message>
        <source>Create anyway</source>
        <translation>Всё равно создать</translation>
    </message>
    <message>
        <source>Use the existing card</source>
        <translation>Взять существующую карту</translation>
    </message>
</context>
<context>
    <name>PatientFormWidget</name>
    <message>
        <source>+7 (916) 123-45-67 or 8 916 123 45 67</source>
        <translation>+7 (916) 123-45-67 или 8 916 123 45 67</translation>
    </message>
    <message>
        <source>name@example.ru</source>
        <translation>name@example.ru</translation>
    </message>
    <message>
        <source>16 digits of the ENP</source>
        <translation>16 цифр ЕНП</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Контакты</translation>
    </message>
    <message>
        <source>Identity documents</source>
        <translation>Документы</translation>
    </message>
    <message>
        <source>OMS policy</source>
        <translation>Полис ОМС</translation>
    </message>
</context>
<context>
    <name>PatientPicker</name>
    <message>
        <source>Patient: last name, «Ivanov I P», birth date or phone</source>
        <translation>Пациент: фамилия, «Иванов И П», дата рождения или телефон</translation>
    </message>
    <message>
        <source>New patient (Ctrl+N)</source>
        <translation>Новый пациент (Ctrl+N)</translation>
    </message>
    <message>
        <source>No patient chosen yet</source>
        <translation>Пациент ещё не выбран</translation>
    </message>
    <message>
        <source>Patient: &lt;b&gt;{name}&lt;/b&gt;</source>
        <translation>Пациент: &lt;b&gt;{name}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>The new patient below will be created</source>
        <translation>Будет создан новый пациент (карта ниже)</translation>
    </message>
    <message>
        <source>No patient found: check the spelling or create a new card</source>
        <translation>Никого не нашли: проверьте написание или создайте новую карту</translation>
    </message>
    <message>
        <source>Only the first {n} are shown: type more to narrow the search</source>
        <translation>Показаны первые {n}: уточните поиск</translation>
    </message>
</context>
<context>
    <name>PatientSearchModel</name>
    <message>
        <source>Full name</source>
        <extracomment>``Qt.UserRole`` returns the row&apos;s :class:`PatientHit`.</extracomment>
        <translation>ФИО</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>SNILS</source>
        <translation>СНИЛС</translation>
    </message>
    <message>
        <source>OMS policy</source>
        <translation>Полис ОМС</translation>
    </message>
</context>
<context>
    <name>PatientsPage</name>
    <message>
        <source>Patients</source>
        <translation>Пациенты</translation>
    </message>
    <message>
        <source>Last name, «Ivanov I P», birth date, phone, SNILS, ENP</source>
        <translation>Фамилия, «Иванов И П», дата рождения, телефон, СНИЛС, ЕНП</translation>
    </message>
    <message>
        <source>New patient (Ctrl+N)</source>
        <translation>Новый пациент (Ctrl+N)</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Импорт…</translation>
    </message>
    <message>
        <source>Import patients&apos; cards from a CSV or XLSX file</source>
        <translation>Импорт карт пациентов из файла CSV или XLSX</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>Новый пациент</translation>
    </message>
    <message>
        <source>, more below</source>
        <translation>, ниже есть ещё</translation>
    </message>
    <message>
        <source>Found: {count}{more}. Enter opens the card, ↓ goes to the list.</source>
        <translation>Найдено: {count}{more}. Enter открывает карту, ↓ — переход к списку.</translation>
    </message>
    <message>
        <source>Type a last name (typos are forgiven), «Ivanov I P», a birth date DD.MM.YYYY, a part of the phone number, a SNILS or an ENP.</source>
        <translation>Введите фамилию (опечатки не страшны), «Иванов И П», дату рождения ДД.ММ.ГГГГ, часть номера телефона, СНИЛС или ЕНП.</translation>
    </message>
    <message>
        <source>Check the spelling, or create a new card: Ctrl+N.</source>
        <translation>Проверьте написание или создайте новую карту: Ctrl+N.</translation>
    </message>
    <message>
        <source>Check the spelling.</source>
        <translation>Проверьте написание.</translation>
    </message>
    <message>
        <source>Nobody found</source>
        <translation>Никого не нашли</translation>
    </message>
    <message>
        <source>Import patients</source>
        <translation>Импорт пациентов</translation>
    </message>
    <message>
        <source>Tables (*.csv *.xlsx)</source>
        <translation>Таблицы (*.csv *.xlsx)</translation>
    </message>
</context>
<context>
    <name>PlaceholderPage</name>
    <message>
        <source>This section is not built yet.</source>
        <translation>Этот раздел ещё не готов.</translation>
    </message>
    <message>
        <source>It will hold:</source>
        <translation>Здесь будут:</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Reason (required)</source>
        <translation>Причина (обязательно)</translation>
    </message>
</context>
<context>
    <name>ReferralsModel</name>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдано</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Специальность</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Действует по</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
</context>
<context>
    <name>ScheduleActions</name>
    <message>
        <source>Move to another doctor?</source>
        <extracomment>Where «undo a mistaken status» steps back to (visit_status.UNDO, read forwards). The open question (another doctor? a reason?), for tests and for closing.</extracomment>
        <translation>Перенести к другому врачу?</translation>
    </message>
    <message>
        <source>Move {patient} to {doctor} ({specialty}) at {time}?</source>
        <translation>Перенести запись пациента {patient} к врачу {doctor} ({specialty}) на {time}?</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Перенести</translation>
    </message>
    <message>
        <source>Do not move</source>
        <translation>Не переносить</translation>
    </message>
    <message>
        <source>The appointment was not moved</source>
        <translation>Запись не перенесена</translation>
    </message>
    <message>
        <source>Less than 24 hours before the appointment</source>
        <translation>До приёма меньше 24 часов</translation>
    </message>
    <message>
        <source>The appointment starts in less than 24 hours. As a manager you may still move it: why?</source>
        <translation>До приёма меньше 24 часов. Как менеджер вы можете перенести запись — укажите причину.</translation>
    </message>
    <message>
        <source>{message}. Nearest free: {doctor}, {time}</source>
        <translation>{message}. Ближайшее свободное время: {doctor}, {time}</translation>
    </message>
    <message>
        <source>Undo a mistaken status</source>
        <translation>Отменить ошибочный статус</translation>
    </message>
    <message>
        <source>Set «{old}» back to «{new}»: why?</source>
        <translation>Вернуть статус «{old}» к «{new}» — укажите причину.</translation>
    </message>
    <message>
        <source>Move the appointment</source>
        <translation>Перенос записи</translation>
    </message>
    <message>
        <source>Drag the block to the new time, or to another doctor&apos;s column.</source>
        <translation>Перетащите блок записи на новое время или в столбец другого врача.</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>Неявка</translation>
    </message>
    <message>
        <source>Arrived (check in)</source>
        <translation>Пришёл</translation>
    </message>
    <message>
        <source>At the doctor&apos;s</source>
        <translation>На приёме</translation>
    </message>
    <message>
        <source>Visit completed</source>
        <translation>Приём завершён</translation>
    </message>
    <message>
        <source>Cancel…</source>
        <translation>Отменить…</translation>
    </message>
    <message>
        <source>Move…</source>
        <translation>Перенести…</translation>
    </message>
    <message>
        <source>Undo a mistaken status…</source>
        <translation>Отменить ошибочный статус…</translation>
    </message>
    <message>
        <source>Appointment history…</source>
        <translation>История записи…</translation>
    </message>
    <message>
        <source>Open the patient&apos;s card</source>
        <translation>Открыть карту пациента</translation>
    </message>
    <message>
        <source>Print ticket</source>
        <translation>Печать талона</translation>
    </message>
    <message>
        <source>Printing tickets comes with the ticket feature; it is not available yet.</source>
        <translation>Печать талона появится вместе с функцией талонов; пока она недоступна.</translation>
    </message>
</context>
<context>
    <name>ScheduleGrid</name>
    <message>
        <source>OMS</source>
        <extracomment>How often the red &quot;now&quot; line and the no-show markers move on.</extracomment>
        <translation>ОМС</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>платно</translation>
    </message>
    <message>
        <source>follow-up</source>
        <translation>повторно</translation>
    </message>
    <message>
        <source>telemed.</source>
        <translation>телемед.</translation>
    </message>
    <message>
        <source>not working</source>
        <translation>не работает</translation>
    </message>
    <message>
        <source>room {room}</source>
        <translation>каб. {room}</translation>
    </message>
    <message>
        <source>born {date}</source>
        <translation>д. р. {date}</translation>
    </message>
    <message>
        <source>referral № {number}</source>
        <translation>направление № {number}</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>Статус: {status}</translation>
    </message>
    <message>
        <source>The time has passed: mark as a no-show?</source>
        <translation>Время прошло: отметить неявку?</translation>
    </message>
    <message>
        <source>Overbooked (over a taken slot)</source>
        <translation>Сверх записи (на занятое время)</translation>
    </message>
    <message>
        <source>In the holding tray: the doctor is not available, move it</source>
        <translation>В листе переноса: врач недоступен, перенесите запись</translation>
    </message>
    <message>
        <source>Book at {time}…</source>
        <translation>Записать на {time}…</translation>
    </message>
    <message>
        <source>Week of {doctor}</source>
        <translation>Неделя: {doctor}</translation>
    </message>
    <message>
        <source>Move column left</source>
        <translation>Сдвинуть столбец влево</translation>
    </message>
    <message>
        <source>Move column right</source>
        <translation>Сдвинуть столбец вправо</translation>
    </message>
</context>
<context>
    <name>SchedulePage</name>
    <message>
        <source>Schedule</source>
        <extracomment>Tables whose notices may change what the grid shows.</extracomment>
        <translation>Расписание</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>Today (Alt+Home)</source>
        <translation>Сегодня (Alt+Home)</translation>
    </message>
    <message>
        <source>A week back (Alt+Page Up)</source>
        <translation>Неделя назад (Alt+Page Up)</translation>
    </message>
    <message>
        <source>The day before (Alt+Left)</source>
        <translation>Предыдущий день (Alt+←)</translation>
    </message>
    <message>
        <source>The day after (Alt+Right)</source>
        <translation>Следующий день (Alt+→)</translation>
    </message>
    <message>
        <source>A week ahead (Alt+Page Down)</source>
        <translation>Неделя вперёд (Alt+Page Down)</translation>
    </message>
    <message>
        <source>The day shown: type it or pick it in the calendar</source>
        <translation>Показанный день: введите дату или выберите в календаре</translation>
    </message>
    <message>
        <source>All branches</source>
        <translation>Все филиалы</translation>
    </message>
    <message>
        <source>Show the doctors of one branch</source>
        <translation>Показать врачей одного филиала</translation>
    </message>
    <message>
        <source>All specialties</source>
        <translation>Все специальности</translation>
    </message>
    <message>
        <source>Show the doctors of one specialty</source>
        <translation>Показать врачей одной специальности</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <source>All doctors on one day</source>
        <translation>Все врачи за один день</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Неделя</translation>
    </message>
    <message>
        <source>One doctor&apos;s week</source>
        <translation>Неделя одного врача</translation>
    </message>
    <message>
        <source>Whose week is shown</source>
        <translation>Чья неделя показана</translation>
    </message>
    <message>
        <source>Hours…</source>
        <translation>Часы работы…</translation>
    </message>
    <message>
        <source>The doctor&apos;s working hours and exceptions (Ctrl+H)</source>
        <translation>Часы работы врача и исключения (Ctrl+H)</translation>
    </message>
    <message>
        <source>? the time has passed: no-show?</source>
        <translation>? время прошло: неявка?</translation>
    </message>
    <message>
        <source>◥ overbooked</source>
        <translation>◥ сверх записи</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Статус:</translation>
    </message>
    <message>
        <source>Stripe:</source>
        <translation>Вид (полоса):</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>Doctors: {doctors}, appointments: {appointments}</source>
        <translation>Врачей: {doctors}, записей: {appointments}</translation>
    </message>
    <message>
        <source>Moved to {doctor}, {time}</source>
        <translation>Перенесено: {doctor}, {time}</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Settings of this workstation</source>
        <translation>Настройки рабочего места</translation>
    </message>
    <message>
        <source>the --database option on the command line</source>
        <translation>параметр --database в командной строке</translation>
    </message>
    <message>
        <source>the CRM_DATABASE_URL environment variable</source>
        <translation>переменная окружения CRM_DATABASE_URL</translation>
    </message>
    <message>
        <source>database_url in the configuration file</source>
        <translation>параметр database_url в файле настроек</translation>
    </message>
    <message>
        <source>none configured: the built-in demo server</source>
        <translation>сервер не задан: встроенный демонстрационный сервер</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>не загружен</translation>
    </message>
    <message>
        <source>Database server:</source>
        <translation>Сервер базы данных:</translation>
    </message>
    <message>
        <source>Setting taken from:</source>
        <translation>Откуда взят адрес:</translation>
    </message>
    <message>
        <source>Workstation:</source>
        <translation>Рабочее место:</translation>
    </message>
    <message>
        <source>Key fingerprint:</source>
        <translation>Отпечаток ключа:</translation>
    </message>
    <message>
        <source>Key file:</source>
        <translation>Файл ключа:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Версия:</translation>
    </message>
    <message>
        <source>Registratura {version} (Qt {qt}, PySide6 {pyside})</source>
        <translation>Регистратура {version} (Qt {qt}, PySide6 {pyside})</translation>
    </message>
    <message>
        <source>Configuration file:</source>
        <translation>Файл настроек:</translation>
    </message>
    <message>
        <source>Working with the clinic&apos;s server</source>
        <translation>Работа с сервером клиники</translation>
    </message>
    <message>
        <source>start the program with &lt;code&gt;--database {url}&lt;/code&gt;, or</source>
        <translation>запустите программу с параметром &lt;code&gt;--database {url}&lt;/code&gt;, или</translation>
    </message>
    <message>
        <source>set the environment variable &lt;code&gt;CRM_DATABASE_URL&lt;/code&gt;, or</source>
        <translation>задайте переменную окружения &lt;code&gt;CRM_DATABASE_URL&lt;/code&gt;, или</translation>
    </message>
    <message>
        <source>write &lt;code&gt;database_url = &quot;{url}&quot;&lt;/code&gt; into {path}</source>
        <translation>запишите строку &lt;code&gt;database_url = &quot;{url}&quot;&lt;/code&gt; в файл {path}</translation>
    </message>
    <message>
        <source>Without a configured server the program runs its own built-in PostgreSQL with a demo clinic; it serves this computer only. To share one database between the front-desk workstations:</source>
        <translation>Если сервер не указан, программа запускает собственный встроенный PostgreSQL с демонстрационной клиникой; он обслуживает только этот компьютер. Чтобы все рабочие места регистратуры работали с одной базой:</translation>
    </message>
    <message>
        <source>The first of these that is set wins. Every workstation needs the same key file (copy it from the first one). Connect to PostgreSQL directly or through PgBouncer in session mode: transaction mode breaks change notices.</source>
        <translation>Действует первый из заданных способов. Всем рабочим местам нужен один и тот же файл ключа (скопируйте его с первого). Подключайтесь к PostgreSQL напрямую или через PgBouncer в режиме session: в режиме transaction уведомления об изменениях не работают.</translation>
    </message>
    <message>
        <source>These settings are read-only here for now.</source>
        <translation>Пока эти настройки здесь можно только просматривать.</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Demo clinic created.</source>
        <translation>Демо-клиника создана.</translation>
    </message>
    <message>
        <source>The program cannot start.</source>
        <translation>Программа не может запуститься.</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>Ошибка запуска</translation>
    </message>
    <message>
        <source>The database address comes from {source}. Configuration file: {path}</source>
        <translation>Откуда взят адрес базы данных: {source}. Файл настроек: {path}</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
</context>
<context>
    <name>StartupWindow</name>
    <message>
        <source>Starting</source>
        <translation>Запуск</translation>
    </message>
    <message>
        <source>Registratura</source>
        <translation>Регистратура</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>built-in PostgreSQL ({path})</source>
        <translation>встроенный PostgreSQL ({path})</translation>
    </message>
    <message>
        <source>Server: {server}</source>
        <translation>Сервер: {server}</translation>
    </message>
    <message>
        <source>Login: {login}</source>
        <translation>Логин: {login}</translation>
    </message>
    <message>
        <source>change notices off</source>
        <translation>уведомления об изменениях отключены</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>подключение…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>подключено</translation>
    </message>
    <message>
        <source>Changes made at other workstations appear here at once.</source>
        <translation>Изменения с других рабочих мест появляются здесь сразу.</translation>
    </message>
    <message>
        <source>connection lost — reconnecting…</source>
        <translation>нет связи с сервером — переподключение…</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <source>Weekly hours</source>
        <translation>Часы по дням недели</translation>
    </message>
    <message>
        <source>no end date</source>
        <translation>бессрочно</translation>
    </message>
    <message>
        <source>works on public holidays too</source>
        <translation>работает и в праздничные дни</translation>
    </message>
    <message>
        <source>Day of the week</source>
        <translation>День недели</translation>
    </message>
    <message>
        <source>From – to</source>
        <translation>С – по</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Valid from – to</source>
        <translation>Действует с – по</translation>
    </message>
    <message>
        <source>the doctor&apos;s own room</source>
        <translation>свой кабинет врача</translation>
    </message>
    <message>
        <source>New weekly hours</source>
        <translation>Новые часы работы</translation>
    </message>
    <message>
        <source>Change weekly hours</source>
        <translation>Изменение часов работы</translation>
    </message>
</context>
<context>
    <name>UnsavedChangesBox</name>
    <message>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <source>The card has unsaved changes. Close it and lose them?</source>
        <translation>В карте есть несохранённые изменения. Закрыть её без сохранения?</translation>
    </message>
    <message>
        <source>Close without saving</source>
        <translation>Закрыть без сохранения</translation>
    </message>
    <message>
        <source>Back to the card</source>
        <translation>Вернуться к карте</translation>
    </message>
</context>
<context>
    <name>WeekView</name>
    <message>
        <source>public holiday</source>
        <translation>праздник</translation>
    </message>
    <message>
        <source>day off</source>
        <translation>выходной</translation>
    </message>
    <message>
        <source>room {room}</source>
        <translation>каб. {room}</translation>
    </message>
</context>
<context>
    <name>WorkingHoursDialog</name>
    <message>
        <source>Working hours</source>
        <translation>Часы работы</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Часы</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Праздники</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Entered by</source>
        <translation>Внёс</translation>
    </message>
    <message>
        <source>Add hours</source>
        <translation>Добавить часы</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Add exception</source>
        <translation>Добавить исключение</translation>
    </message>
    <message>
        <source>Only a manager changes working hours</source>
        <translation>Часы работы меняет только руководитель</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Weekly hours</source>
        <translation>Часы по дням недели</translation>
    </message>
    <message>
        <source>Vacations, sick leave, training, blocked hours, extra work</source>
        <translation>Отпуска, больничные, учёба, закрытые часы, дополнительная работа</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>{specialty}, slot {minutes} min</source>
        <translation>{specialty}, слот {minutes} мин</translation>
    </message>
    <message>
        <source>Remove the hours {day} {hours}? Appointments in them go to the holding tray.</source>
        <translation>Удалить часы: {day} {hours}? Записи в эти часы попадут в лист переноса.</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Оставить</translation>
    </message>
    <message>
        <source>Remove «{what}» {starts} – {ends}?</source>
        <translation>Удалить «{what}» {starts} – {ends}?</translation>
    </message>
    <message>
        <source>Saved. No booked appointment is affected.</source>
        <translation>Сохранено. Записи пациентов не затронуты.</translation>
    </message>
    <message>
        <source>Moved to the holding tray (not cancelled): {count}</source>
        <translation>Перенесено в лист переноса (не отменено): {count}</translation>
    </message>
    <message>
        <source>notice queued</source>
        <translation>уведомление поставлено в очередь</translation>
    </message>
    <message>
        <source>no notice possible: call {phone}</source>
        <translation>уведомить нельзя: позвоните {phone}</translation>
    </message>
    <message>
        <source>Back in the doctor&apos;s hours, out of the tray: {count}</source>
        <translation>Снова в часах врача, убрано из листа переноса: {count}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Registratura</source>
        <translation>Регистратура</translation>
    </message>
</context>
<context>
    <name>appointment_history</name>
    <message>
        <source>Appointment {id} does not exist</source>
        <extracomment>A chain longer than this is not followed further (a guard, not a rule).</extracomment>
        <translation>Записи № {id} не существует</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Начало</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Конец</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Пациент</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Вид приёма</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Услуга</translation>
    </message>
    <message>
        <source>Over the schedule</source>
        <translation>Сверх расписания</translation>
    </message>
    <message>
        <source>Reason for overbooking</source>
        <translation>Причина записи сверх расписания</translation>
    </message>
    <message>
        <source>Moved from</source>
        <translation>Перенесена из</translation>
    </message>
    <message>
        <source>Moved to</source>
        <translation>Перенесена в</translation>
    </message>
    <message>
        <source>Cancelled by</source>
        <translation>Кем отменена</translation>
    </message>
    <message>
        <source>Reason for cancelling</source>
        <translation>Причина отмены</translation>
    </message>
    <message>
        <source>Video link</source>
        <translation>Ссылка на видеосвязь</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записано</translation>
    </message>
    <message>
        <source>rescheduled</source>
        <translation>перенесено</translation>
    </message>
    <message>
        <source>status changed</source>
        <translation>статус изменён</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>ticket printed</source>
        <translation>талон напечатан</translation>
    </message>
    <message>
        <source>done</source>
        <translation>выполнено</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>отказано</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>by referral (OMS)</source>
        <translation>по направлению (ОМС)</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>платно</translation>
    </message>
    <message>
        <source>follow-up</source>
        <translation>повторный приём</translation>
    </message>
    <message>
        <source>telemedicine</source>
        <translation>телемедицина</translation>
    </message>
    <message>
        <source>the patient</source>
        <translation>пациентом</translation>
    </message>
    <message>
        <source>the clinic</source>
        <translation>клиникой</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>appointment № {id}</source>
        <translation>запись № {id}</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>кабинет {number}</translation>
    </message>
</context>
<context>
    <name>auth</name>
    <message>
        <source>Password: at least {n} characters</source>
        <translation>Пароль: не менее {n} символов</translation>
    </message>
    <message>
        <source>Wrong login or password</source>
        <translation>Неверный логин или пароль</translation>
    </message>
    <message>
        <source>This account is disabled; ask an administrator</source>
        <translation>Учётная запись отключена; обратитесь к администратору</translation>
    </message>
    <message>
        <source>Too many failed attempts: the account is locked until {time}</source>
        <translation>Слишком много неудачных попыток: учётная запись заблокирована до {time}</translation>
    </message>
    <message>
        <source>Login: 2–60 Latin letters, digits, dot, dash or underscore</source>
        <translation>Логин: от 2 до 60 символов — латинские буквы, цифры, точка, дефис или подчёркивание</translation>
    </message>
    <message>
        <source>Full name: at most {n} characters</source>
        <translation>ФИО: не длиннее {n} символов</translation>
    </message>
    <message>
        <source>Doctor: no doctor with id {id}</source>
        <translation>Врач: нет врача с номером {id}</translation>
    </message>
    <message>
        <source>Login: {login} is already taken</source>
        <translation>Логин: {login} уже занят</translation>
    </message>
    <message>
        <source>No user with login {login}</source>
        <translation>Нет пользователя с логином {login}</translation>
    </message>
</context>
<context>
    <name>booking</name>
    <message>
        <source>No referral with this number is registered</source>
        <translation>Направление с таким номером не зарегистрировано</translation>
    </message>
    <message>
        <source>The referral was cancelled</source>
        <translation>Направление аннулировано</translation>
    </message>
    <message>
        <source>The referral is closed: the visit on it has taken place</source>
        <translation>Направление закрыто: приём по нему уже состоялся</translation>
    </message>
    <message>
        <source>You may book only into your own schedule</source>
        <translation>Записывать можно только в своё расписание</translation>
    </message>
    <message>
        <source>Your role may not book appointments</source>
        <translation>Ваша роль не позволяет записывать на приём</translation>
    </message>
    <message>
        <source>Appointment {id} does not exist</source>
        <translation>Записи {id} не существует</translation>
    </message>
    <message>
        <source>The appointment was changed on another workstation: reload it</source>
        <translation>Запись изменена на другом рабочем месте: обновите её</translation>
    </message>
    <message>
        <source>This time has already passed</source>
        <translation>Это время уже прошло</translation>
    </message>
    <message>
        <source>Outside the doctor&apos;s working hours</source>
        <translation>Вне рабочего времени врача</translation>
    </message>
    <message>
        <source>This time is already taken</source>
        <translation>Время уже занято</translation>
    </message>
    <message>
        <source>The patient already has an appointment then</source>
        <translation>У пациента уже есть запись на это время</translation>
    </message>
    <message>
        <source>The referral is already used by another appointment</source>
        <translation>По этому направлению уже есть другая запись</translation>
    </message>
    <message>
        <source>Only a booked appointment can be cancelled or moved</source>
        <translation>Отменить или перенести можно только предстоящую запись</translation>
    </message>
    <message>
        <source>Less than 24 hours before the appointment only a manager may change it, giving a reason</source>
        <translation>Менять запись позже чем за 24 часа до приёма может только менеджер, указав причину</translation>
    </message>
    <message>
        <source>No doctor with id {id}</source>
        <translation>Врач с кодом {id} не найден</translation>
    </message>
    <message>
        <source>The doctor no longer receives patients</source>
        <translation>Врач больше не ведёт приём</translation>
    </message>
    <message>
        <source>This doctor does not give remote consultations</source>
        <translation>Врач не проводит дистанционные консультации</translation>
    </message>
    <message>
        <source>Booking by referral needs the patient&apos;s ОМС policy on the card</source>
        <translation>Для записи по направлению в карточке пациента нужен полис ОМС</translation>
    </message>
    <message>
        <source>The patient&apos;s ОМС policy ends on {date}</source>
        <translation>Полис ОМС пациента действует только до {date}</translation>
    </message>
    <message>
        <source>Only a manager may overbook or record a past appointment</source>
        <translation>Записывать сверх расписания или задним числом может только менеджер</translation>
    </message>
    <message>
        <source>An appointment takes 1 to {n} slots</source>
        <translation>Запись занимает от 1 до {n} интервалов</translation>
    </message>
    <message>
        <source>No patient with id {id}</source>
        <translation>Пациент с кодом {id} не найден</translation>
    </message>
    <message>
        <source>No service with id {id}</source>
        <translation>Услуга с кодом {id} не найдена</translation>
    </message>
    <message>
        <source>Booking by referral needs the referral&apos;s number</source>
        <translation>Для записи по направлению укажите номер направления</translation>
    </message>
    <message>
        <source>Recorded in the past: {reason}</source>
        <translation>Запись задним числом: {reason}</translation>
    </message>
    <message>
        <source>The referral expired: it was valid until {date}</source>
        <translation>Срок действия направления истёк: оно действовало до {date}</translation>
    </message>
    <message>
        <source>The referral is valid until {date}: choose a day no later than that</source>
        <translation>Направление действует до {date}: выберите день не позднее</translation>
    </message>
    <message>
        <source>The referral was issued to another patient</source>
        <translation>Направление выдано другому пациенту</translation>
    </message>
    <message>
        <source>The doctor&apos;s specialty differs from the referral&apos;s</source>
        <translation>Специальность врача не совпадает с указанной в направлении</translation>
    </message>
    <message>
        <source>No specialty with code {code}</source>
        <translation>Специальность с кодом {code} не найдена</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>записан</translation>
    </message>
    <message>
        <source>arrived</source>
        <translation>пришёл</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>на приёме</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>приём завершён</translation>
    </message>
    <message>
        <source>no-show</source>
        <translation>неявка</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменён</translation>
    </message>
    <message>
        <source>rescheduled</source>
        <translation>перенесён</translation>
    </message>
    <message>
        <source>Only a manager may undo a visit status</source>
        <translation>Исправить отметку о визите может только менеджер</translation>
    </message>
    <message>
        <source>Reason: required</source>
        <translation>Причина: обязательное поле</translation>
    </message>
    <message>
        <source>The status cannot change from «{old}» to «{new}»</source>
        <translation>Статус нельзя сменить с «{old}» на «{new}»</translation>
    </message>
    <message>
        <source>Your role may not set this status</source>
        <translation>Ваша роль не позволяет установить этот статус</translation>
    </message>
    <message>
        <source>You may mark visits only in your own schedule</source>
        <translation>Отмечать визиты можно только в своём расписании</translation>
    </message>
    <message>
        <source>A no-show can be marked only after the appointment&apos;s start</source>
        <translation>Неявку можно отметить только после начала приёма</translation>
    </message>
    <message>
        <source>Undone: {reason}</source>
        <translation>Исправлено: {reason}</translation>
    </message>
    <message>
        <source>No active user with login {login}</source>
        <translation>Нет активного пользователя с логином {login}</translation>
    </message>
    <message>
        <source>Say who acts with --as LOGIN (there is not exactly one active manager)</source>
        <translation>Укажите, от чьего имени действовать: --as ЛОГИН (активного менеджера нет или их несколько)</translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation>каб. {number}</translation>
    </message>
    <message>
        <source>{reason}; no free time in the coming weeks</source>
        <translation>{reason}; свободного времени в ближайшие недели нет</translation>
    </message>
    <message>
        <source>{reason}; nearest free time: {slot}</source>
        <translation>{reason}; ближайшее свободное время: {slot}</translation>
    </message>
    <message>
        <source>Appointment {id} of {when} cancelled</source>
        <translation>Запись {id} на {when} отменена</translation>
    </message>
    <message>
        <source>give either --doctor or --specialty</source>
        <translation>укажите либо --doctor, либо --specialty</translation>
    </message>
    <message>
        <source>No free slots in these days</source>
        <translation>Свободного времени в эти дни нет</translation>
    </message>
</context>
<context>
    <name>checks</name>
    <message>
        <source>lower(&apos;ИВАНОВ&apos;) = &apos;иванов&apos; (ctype {ctype})</source>
        <translation>lower(&apos;ИВАНОВ&apos;) = &apos;иванов&apos; (ctype {ctype})</translation>
    </message>
    <message>
        <source>the database&apos;s ctype is {ctype}: it does not know Cyrillic letters (lower(&apos;ИВАНОВ&apos;) is not &apos;иванов&apos;, or pg_trgm finds no trigrams), so patient search cannot work. Create the database with LC_CTYPE &apos;C.UTF-8&apos; or &apos;ru_RU.UTF-8&apos; (ENCODING &apos;UTF8&apos;, TEMPLATE template0).</source>
        <translation>у базы данных ctype {ctype}: она не различает русские буквы (lower(&apos;ИВАНОВ&apos;) не равно &apos;иванов&apos; или pg_trgm не находит триграмм), поэтому поиск пациентов работать не будет. Создайте базу с LC_CTYPE &apos;C.UTF-8&apos; или &apos;ru_RU.UTF-8&apos; (ENCODING &apos;UTF8&apos;, TEMPLATE template0).</translation>
    </message>
    <message>
        <source>missing extensions: {names} (run `clinic-crm db upgrade`)</source>
        <translation>не установлены расширения: {names} (выполните `clinic-crm db upgrade`)</translation>
    </message>
    <message>
        <source>at head ({rev})</source>
        <translation>последняя версия ({rev})</translation>
    </message>
    <message>
        <source>the database is at revision {current}, newer than this program knows (newest {head}): update the program on this workstation</source>
        <translation>база данных в версии {current}, новее, чем знает эта программа (её последняя — {head}): обновите программу на этом рабочем месте</translation>
    </message>
    <message>
        <source>database at {current}, program needs {head}: run `clinic-crm db upgrade`</source>
        <translation>база данных в версии {current}, программе нужна {head}: выполните `clinic-crm db upgrade`</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>пустая</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <source>error</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>cannot reach the database: {detail}</source>
        <translation>нет связи с базой данных: {detail}</translation>
    </message>
    <message>
        <source>the database is at revision {rev}, newer than this program: update the program on this workstation</source>
        <translation>база данных в версии {rev}, новее этой программы: обновите программу на этом рабочем месте</translation>
    </message>
    <message>
        <source>the database refused: {detail} (is it migrated?)</source>
        <translation>база данных отклонила запрос: {detail} (структура базы обновлена?)</translation>
    </message>
    <message>
        <source>the database refused: {detail}</source>
        <translation>база данных отказала: {detail}</translation>
    </message>
    <message>
        <source>unexpected error: {kind}: {detail} (details in {log})</source>
        <translation>непредвиденная ошибка: {kind}: {detail} (подробности в {log})</translation>
    </message>
    <message>
        <source>Database at revision {rev}</source>
        <translation>База данных в версии {rev}</translation>
    </message>
    <message>
        <source>Created a new identity-document key: {path} (fingerprint {fp}). Back it up and copy it to every workstation.</source>
        <translation>Создан новый ключ для документов пациентов: {path} (отпечаток {fp}). Сохраните его резервную копию и скопируйте на все рабочие места.</translation>
    </message>
    <message>
        <source>Key fingerprint {fp}</source>
        <translation>Отпечаток ключа {fp}</translation>
    </message>
    <message>
        <source>database: {current}; program: {head}</source>
        <translation>база данных: {current}; программа: {head}</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>пустая</translation>
    </message>
    <message>
        <source>{n} of {total} checks failed: {names}</source>
        <translation>не пройдено проверок: {n} из {total}: {names}</translation>
    </message>
    <message>
        <source>no password on standard input</source>
        <translation>пароль не передан через стандартный ввод</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>a doctor&apos;s account needs --doctor-id (the doctor it belongs to)</source>
        <translation>для учётной записи врача нужен --doctor-id (номер врача, которому она принадлежит)</translation>
    </message>
    <message>
        <source>User {login} created (id {id})</source>
        <translation>Пользователь {login} создан (id {id})</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>отключён</translation>
    </message>
    <message>
        <source>locked until {time}</source>
        <translation>заблокирован до {time}</translation>
    </message>
    <message>
        <source>Password of {login} changed</source>
        <translation>Пароль пользователя {login} изменён</translation>
    </message>
</context>
<context>
    <name>daylist</name>
    <message>
        <source>Time</source>
        <extracomment>Cancelled, no-show…: printed in grey. Share of the width left after the fixed columns; 0: as wide as ``sample``.</extracomment>
        <translation type="unfinished">Время</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation type="unfinished">Пациент</translation>
    </message>
    <message>
        <source>Born</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished">Телефон</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished">Вид приёма</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation type="unfinished">Направление</translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished">Статус</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No appointments on this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printed {moment}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day list for {day}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{doctor} (continued)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>room {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hours {hours}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not working on this day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>patients: {count}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page {number} of {total}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No doctors receive patients on this day</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>demo</name>
    <message>
        <source>Patients or doctors already exist: the demo loads only into an empty database</source>
        <translation>В базе уже есть пациенты или врачи: демонстрационные данные загружаются только в пустую базу</translation>
    </message>
</context>
<context>
    <name>hours</name>
    <message>
        <source>Monday</source>
        <extracomment>Exceptions shown in the editor start this long before the day asked for.</extracomment>
        <translation>Понедельник</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>Вторник</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>Среда</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>Четверг</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>Пятница</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>Суббота</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>Воскресенье</translation>
    </message>
    <message>
        <source>Vacation</source>
        <translation>Отпуск</translation>
    </message>
    <message>
        <source>Sick leave</source>
        <translation>Больничный</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Учёба</translation>
    </message>
    <message>
        <source>Blocked hours</source>
        <translation>Закрытые часы</translation>
    </message>
    <message>
        <source>Extra work</source>
        <translation>Дополнительная работа</translation>
    </message>
    <message>
        <source>The working hours were already removed</source>
        <translation>Эти часы работы уже удалены</translation>
    </message>
    <message>
        <source>The end must be after the start</source>
        <translation>Окончание должно быть позже начала</translation>
    </message>
    <message>
        <source>Give the reason (it is shown to the registrars)</source>
        <translation>Укажите причину (её увидят регистраторы)</translation>
    </message>
    <message>
        <source>The exception was already removed</source>
        <translation>Это исключение уже удалено</translation>
    </message>
    <message>
        <source>Doctor {id} does not exist</source>
        <translation>Врача {id} нет</translation>
    </message>
    <message>
        <source>Choose the day of the week</source>
        <translation>Выберите день недели</translation>
    </message>
    <message>
        <source>Use whole slots of {minutes} minutes (e.g. 08:00, 08:15)</source>
        <translation>Укажите время кратно слоту {minutes} мин (например, 08:00, 08:15)</translation>
    </message>
    <message>
        <source>The last day cannot be before the first day</source>
        <translation>Последний день не может быть раньше первого</translation>
    </message>
    <message>
        <source>These hours overlap the doctor&apos;s hours {starts}–{ends} on {weekday}</source>
        <translation>Эти часы пересекаются с часами врача {starts}–{ends} ({weekday})</translation>
    </message>
    <message>
        <source>The room is taken then by {doctor} ({starts}–{ends})</source>
        <translation>В это время кабинет занят: {doctor} ({starts}–{ends})</translation>
    </message>
    <message>
        <source>Choose a room of the doctor&apos;s branch</source>
        <translation>Выберите кабинет филиала врача</translation>
    </message>
    <message>
        <source>working hours changed</source>
        <translation>изменены часы работы</translation>
    </message>
</context>
<context>
    <name>import</name>
    <message>
        <source>Rejected rows</source>
        <translation>Отклонённые строки</translation>
    </message>
    <message>
        <source>row</source>
        <translation>строка</translation>
    </message>
    <message>
        <source>field</source>
        <translation>поле</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>причина</translation>
    </message>
    <message>
        <source>{file}: {total} rows; imported {imported}, already present {present}, rejected {rejected}</source>
        <translation>{file}: строк {total}; добавлено {imported}, уже есть {present}, отклонено {rejected}</translation>
    </message>
    <message>
        <source>Dry run: nothing was written</source>
        <translation>Пробный прогон: ничего не записано</translation>
    </message>
    <message>
        <source>Columns not imported: {columns}</source>
        <translation>Не импортированы столбцы: {columns}</translation>
    </message>
    <message>
        <source>row {row}: {field}: {reason}</source>
        <translation>строка {row}: {field}: {reason}</translation>
    </message>
    <message>
        <source>Rejected rows written to {path}</source>
        <translation>Отклонённые строки записаны в {path}</translation>
    </message>
    <message>
        <source>{file}: not a readable XLSX workbook ({error})</source>
        <translation>{file}: не удаётся прочитать книгу XLSX ({error})</translation>
    </message>
    <message>
        <source>{file}: file not found</source>
        <translation>{file}: файл не найден</translation>
    </message>
    <message>
        <source>{file}: a workbook saved as .csv: rename it to .xlsx</source>
        <translation>{file}: это книга Excel с расширением .csv: переименуйте её в .xlsx</translation>
    </message>
    <message>
        <source>{file}: not a CSV or XLSX file</source>
        <translation>{file}: не файл CSV или XLSX</translation>
    </message>
    <message>
        <source>{file}: no header row with the column names</source>
        <translation>{file}: нет строки заголовка с названиями столбцов</translation>
    </message>
    <message>
        <source>{file}: required columns missing: {columns}</source>
        <translation>{file}: нет обязательных столбцов: {columns}</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Пол</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>Паспорт</translation>
    </message>
    <message>
        <source>OMS policy</source>
        <translation>Полис ОМС</translation>
    </message>
    <message>
        <source>Policy kind</source>
        <translation>Вид полиса</translation>
    </message>
    <message>
        <source>Other document</source>
        <translation>Другой документ</translation>
    </message>
    <message>
        <source>Other document kind</source>
        <translation>Вид другого документа</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>the same name and birth date as row {row} of this file</source>
        <translation>те же ФИО и дата рождения, что в строке {row} этого файла</translation>
    </message>
    <message>
        <source>the same document as row {row} of this file</source>
        <translation>тот же документ, что в строке {row} этого файла</translation>
    </message>
</context>
<context>
    <name>keys</name>
    <message>
        <source>The database has no identity-document key yet: run `clinic-crm db upgrade` (key file: {path})</source>
        <translation>В базе данных ещё нет ключа для документов пациентов: выполните `clinic-crm db upgrade` (файл ключа: {path})</translation>
    </message>
    <message>
        <source>Identity-document key file problem: {error}. The database expects the key with fingerprint {expected}; copy that key file from a workstation that has it.</source>
        <translation>Проблема с файлом ключа для документов пациентов: {error}. База данных ожидает ключ с отпечатком {expected}; скопируйте этот файл ключа с рабочего места, где он есть.</translation>
    </message>
    <message>
        <source>The key file {path} (fingerprint {actual}) is not this database&apos;s key (fingerprint {expected}); copy the right key file from another workstation.</source>
        <translation>Файл ключа {path} (отпечаток {actual}) не подходит к этой базе данных (нужен ключ с отпечатком {expected}); скопируйте нужный файл ключа с другого рабочего места.</translation>
    </message>
</context>
<context>
    <name>notices</name>
    <message>
        <source>Your appointment with {doctor} on {date} at {time} cannot take place at that time: the doctor is unavailable. The registry will contact you to choose another time.</source>
        <translation>Ваш приём у врача {doctor} {date} в {time} не состоится в назначенное время: врач недоступен. Регистратура свяжется с вами, чтобы выбрать другое время.</translation>
    </message>
    <message>
        <source>Your appointment with {doctor} on {date} at {time} takes place as booked.</source>
        <translation>Ваш приём у врача {doctor} {date} в {time} состоится, как назначено.</translation>
    </message>
</context>
<context>
    <name>patient_history</name>
    <message>
        <source>Consent date: cannot be in the future</source>
        <extracomment>Most rows a tab loads; a card with more shows the newest.</extracomment>
        <translation>Дата согласия: не может быть в будущем</translation>
    </message>
    <message>
        <source>This consent is already in force</source>
        <translation>Такое согласие уже действует</translation>
    </message>
    <message>
        <source>The consent no longer exists</source>
        <translation>Согласия больше нет</translation>
    </message>
    <message>
        <source>The consent was revoked on {date}</source>
        <translation>Согласие уже отозвано {date}</translation>
    </message>
    <message>
        <source>Revocation date: cannot be in the future</source>
        <translation>Дата отзыва: не может быть в будущем</translation>
    </message>
    <message>
        <source>Revocation date: not before the consent was given ({date})</source>
        <translation>Дата отзыва: не раньше даты согласия ({date})</translation>
    </message>
</context>
<context>
    <name>patients</name>
    <message>
        <source>Sex: choose male or female</source>
        <extracomment>Field order of the editor: the first bad one in this order gets the focus. Which identity documents the form leaves untouched (opened masked).</extracomment>
        <translation>Пол: выберите мужской или женский</translation>
    </message>
    <message>
        <source>E-mail: an address like name@example.ru</source>
        <translation>E-mail: адрес вида name@example.ru</translation>
    </message>
    <message>
        <source>Other document: choose its kind</source>
        <translation>Другой документ: выберите вид документа</translation>
    </message>
    <message>
        <source>OMS policy: choose its kind</source>
        <translation>Полис ОМС: выберите вид полиса</translation>
    </message>
    <message>
        <source>The card was changed on another workstation. Compare and choose the values to keep.</source>
        <translation>Карту изменили на другом рабочем месте. Сравните значения и выберите, какие сохранить.</translation>
    </message>
    <message>
        <source>SNILS: a card with this number exists</source>
        <translation>СНИЛС: карта с таким номером уже есть</translation>
    </message>
    <message>
        <source>Passport: a card with this passport exists</source>
        <translation>Паспорт: карта с таким паспортом уже есть</translation>
    </message>
    <message>
        <source>OMS policy: a card with this policy number exists</source>
        <translation>Полис ОМС: карта с таким номером полиса уже есть</translation>
    </message>
    <message>
        <source>The card could not be saved: {error}</source>
        <translation>Не удалось сохранить карту: {error}</translation>
    </message>
    <message>
        <source>A patient with the same name and birth date already exists</source>
        <translation>Пациент с такими же ФИО и датой рождения уже есть</translation>
    </message>
    <message>
        <source>The card no longer exists</source>
        <translation>Этой карты больше нет</translation>
    </message>
</context>
<context>
    <name>permissions</name>
    <message>
        <source>Your role ({role}) may not do this: {permission}</source>
        <translation>Вашей роли ({role}) это действие не разрешено: {permission}</translation>
    </message>
</context>
<context>
    <name>referrals</name>
    <message>
        <source>Organisation name: required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Organisation name: at most {n} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address: at most {n} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OGRN: already registered for «{name}»</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The organisation cannot be removed: {n} referrals name it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No issuing organisation with id {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No issuing organisation {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referral {id} does not exist</source>
        <extracomment>Appointment statuses that keep using a referral (as ``USES_REFERRAL`` in the model). …and those of them that have not taken place yet (a referral with one is not cancelled).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>standard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from a therapist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>long-term treatment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>emergency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished">действует</translation>
    </message>
    <message>
        <source>used</source>
        <translation type="unfinished">использовано</translation>
    </message>
    <message>
        <source>closed</source>
        <translation type="unfinished">закрыто</translation>
    </message>
    <message>
        <source>expired</source>
        <translation type="unfinished">истекло</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number</source>
        <translation type="unfinished">Номер</translation>
    </message>
    <message>
        <source>Issuing organisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patient</source>
        <translation type="unfinished">Пациент</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation type="unfinished">Специальность</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished">Вид приёма</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation type="unfinished">Дата выдачи</translation>
    </message>
    <message>
        <source>Days of validity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Issuing doctor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}: required</source>
        <translation type="unfinished">{field}: обязательное поле</translation>
    </message>
    <message>
        <source>{field}: digits, or letters followed by digits (e.g. 0123456 or НП-001234)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}: no longer exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}: cannot be in the future</source>
        <translation type="unfinished">{field}: не может быть в будущем</translation>
    </message>
    <message>
        <source>{field}: an emergency referral is valid {low} to {high} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}: only an emergency referral has its days set when issued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}: at most {n} characters</source>
        <translation type="unfinished">{field}: не более {n} символов</translation>
    </message>
    <message>
        <source>{field}: this organisation already issued a referral with this number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The referral was changed on another workstation: reload it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The referral was extended: its kind and issue date cannot change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A visit is booked on the referral: its patient, specialty and validity cannot change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: required</source>
        <translation type="unfinished">Причина: обязательное поле</translation>
    </message>
    <message>
        <source>The referral is already cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A visit on {when} is booked on the referral: cancel that appointment first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason for the extension: required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a long-term treatment referral can be extended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A referral that is {status} cannot be extended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new last day must be after {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A referral is valid at most {n} days from issue: until {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No free slots of the referral&apos;s specialty until {date}: extending it would not help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Several organisations issued a referral with this number: choose one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No doctor of «{specialty}» works here; the referral is accepted by: {names}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>reports</name>
    <message>
        <source>Total</source>
        <extracomment>Excel number formats by column kind (explicit codes, so every locale shows them alike). How often (in rows) progress is reported and cancellation checked.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the figures are counted</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>roles</name>
    <message>
        <source>registrar</source>
        <translation>регистратор</translation>
    </message>
    <message>
        <source>doctor</source>
        <translation>врач</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>менеджер</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>администратор</translation>
    </message>
</context>
<context>
    <name>startup</name>
    <message>
        <source>Starting the built-in PostgreSQL server…</source>
        <translation>Запуск встроенного сервера PostgreSQL…</translation>
    </message>
    <message>
        <source>Connecting to {where}…</source>
        <translation>Подключение к серверу ({where})…</translation>
    </message>
    <message>
        <source>Cannot open the database: {error}</source>
        <translation>Не удаётся открыть базу данных: {error}</translation>
    </message>
    <message>
        <source>Updating the database structure…</source>
        <translation>Обновление структуры базы данных…</translation>
    </message>
    <message>
        <source>Creating the demo clinic…</source>
        <translation>Создание демонстрационной клиники…</translation>
    </message>
    <message>
        <source>The database is at revision {rev}, newer than this program: update the program on this workstation.</source>
        <translation>База данных в версии {rev}, новее этой программы: обновите программу на этом рабочем месте.</translation>
    </message>
    <message>
        <source>The program could not start: {error}</source>
        <translation>Программа не смогла запуститься: {error}</translation>
    </message>
</context>
<context>
    <name>tickets</name>
    <message>
        <source>Monday</source>
        <translation type="unfinished">Понедельник</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation type="unfinished">Вторник</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation type="unfinished">Среда</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation type="unfinished">Четверг</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation type="unfinished">Пятница</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation type="unfinished">Суббота</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation type="unfinished">Воскресенье</translation>
    </message>
    <message>
        <source>APPOINTMENT TICKET No. {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patient</source>
        <translation type="unfinished">Пациент</translation>
    </message>
    <message>
        <source>born {date}</source>
        <translation type="unfinished">д. р. {date}</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation type="unfinished">Врач</translation>
    </message>
    <message>
        <source>Remote consultation: join by the link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room: ask at the front desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referral No. {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please bring:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show this code at the front desk to check in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printed {moment}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket No. {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tickets ({count})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>validation</name>
    <message>
        <source>{field}: enter the date as DD.MM.YYYY</source>
        <translation>{field}: введите дату в виде ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <source>{field}: there is no such date</source>
        <translation>{field}: такой даты нет</translation>
    </message>
    <message>
        <source>{field}: cannot be in the future</source>
        <translation>{field}: не может быть в будущем</translation>
    </message>
    <message>
        <source>{field}: not earlier than {date}</source>
        <translation>{field}: не раньше {date}</translation>
    </message>
    <message>
        <source>Birth certificate</source>
        <translation>Свидетельство о рождении</translation>
    </message>
    <message>
        <source>Foreign passport</source>
        <translation>Паспорт иностранного гражданина</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Документ</translation>
    </message>
    <message>
        <source>{field}: enter the number</source>
        <translation>{field}: укажите номер</translation>
    </message>
    <message>
        <source>{field}: at most {n} characters</source>
        <translation>{field}: не более {n} символов</translation>
    </message>
    <message>
        <source>OGRN: 13 digits are needed</source>
        <translation>ОГРН: нужно 13 цифр</translation>
    </message>
    <message>
        <source>OGRN: wrong check digit</source>
        <translation>ОГРН: неверная контрольная цифра</translation>
    </message>
    <message>
        <source>OGRN: no such number</source>
        <translation>ОГРН: такого номера не бывает</translation>
    </message>
    <message>
        <source>{field}: a letter and two digits, e.g. I10 or K29.7</source>
        <translation>{field}: латинская буква и две цифры, например I10 или K29.7</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Фамилия</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Patronymic</source>
        <translation>Отчество</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>SNILS</source>
        <translation>СНИЛС</translation>
    </message>
    <message>
        <source>Policy number</source>
        <translation>Номер полиса</translation>
    </message>
    <message>
        <source>Policy series</source>
        <translation>Серия полиса</translation>
    </message>
    <message>
        <source>Policy end date</source>
        <translation>Дата окончания полиса</translation>
    </message>
    <message>
        <source>Passport series and number</source>
        <translation>Серия и номер паспорта</translation>
    </message>
    <message>
        <source>Passport number</source>
        <translation>Номер паспорта</translation>
    </message>
    <message>
        <source>Passport issue date</source>
        <translation>Дата выдачи паспорта</translation>
    </message>
    <message>
        <source>Subdivision code</source>
        <translation>Код подразделения</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Кем выдан паспорт</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>Номер документа</translation>
    </message>
    <message>
        <source>OGRN</source>
        <translation>ОГРН</translation>
    </message>
    <message>
        <source>Diagnosis (ICD-10)</source>
        <translation>Диагноз (МКБ-10)</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>Дата выдачи</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>{field}: required</source>
        <translation>{field}: обязательное поле</translation>
    </message>
    <message>
        <source>{field}: only Russian letters, hyphen, space and apostrophe</source>
        <translation>{field}: только русские буквы, дефис, пробел и апостроф</translation>
    </message>
    <message>
        <source>{field}: must begin and end with a letter</source>
        <translation>{field}: в начале и в конце должна быть буква</translation>
    </message>
    <message>
        <source>{field}: 4 digits of the series and 6 of the number</source>
        <translation>{field}: 4 цифры серии и 6 цифр номера</translation>
    </message>
    <message>
        <source>Passport series: 4 digits</source>
        <translation>Серия паспорта: 4 цифры</translation>
    </message>
    <message>
        <source>Passport number: 6 digits</source>
        <translation>Номер паспорта: 6 цифр</translation>
    </message>
    <message>
        <source>Subdivision code: 6 digits written as NNN-NNN</source>
        <translation>Код подразделения: 6 цифр в виде 000-000</translation>
    </message>
    <message>
        <source>Passport due for replacement: the holder turned {age}</source>
        <translation>Паспорт подлежит замене: владельцу исполнилось {age} лет</translation>
    </message>
    <message>
        <source>{field}: before the holder&apos;s 14th birthday</source>
        <translation>{field}: раньше, чем владельцу исполнилось 14 лет</translation>
    </message>
    <message>
        <source>{field}: enter 10 digits after +7 or 8</source>
        <translation>{field}: нужно 10 цифр после +7 или 8</translation>
    </message>
    <message>
        <source>{field}: not a Russian mobile or landline number</source>
        <translation>{field}: это не российский мобильный или городской номер</translation>
    </message>
    <message>
        <source>Policy number: a unified number has 16 digits</source>
        <translation>Номер полиса: в едином номере 16 цифр</translation>
    </message>
    <message>
        <source>Policy number: wrong check digit</source>
        <translation>Номер полиса: неверная контрольная цифра</translation>
    </message>
    <message>
        <source>Policy number: up to 16 digits for an old-style policy</source>
        <translation>Номер полиса: у полиса старого образца не более 16 цифр</translation>
    </message>
    <message>
        <source>Policy series: up to 10 letters and digits</source>
        <translation>Серия полиса: не более 10 букв и цифр</translation>
    </message>
    <message>
        <source>Policy number: a temporary certificate has 9 digits</source>
        <translation>Номер полиса: у временного свидетельства 9 цифр</translation>
    </message>
    <message>
        <source>Policy end date: required for a temporary certificate</source>
        <translation>Дата окончания полиса: обязательна для временного свидетельства</translation>
    </message>
    <message>
        <source>Policy series: only old-style policies have a series</source>
        <translation>Серия полиса: серия есть только у полиса старого образца</translation>
    </message>
    <message>
        <source>SNILS: 11 digits are needed</source>
        <translation>СНИЛС: нужно 11 цифр</translation>
    </message>
    <message>
        <source>SNILS: wrong check number</source>
        <translation>СНИЛС: неверная контрольная сумма</translation>
    </message>
</context>
</TS>
