"""Praise routing: who a customer's words name, what they and their managers are told, redacted."""
from flashpoint.extensions import db
from recognition.praise.models import PraiseMatch
from recognition.praise.routing import route_existing
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import customer_says, notes


def matches(feedback):
    rows = db.session.scalars(db.select(PraiseMatch).where(PraiseMatch.feedback_id == feedback.id)).all()
    return {(m.user.name, m.confirmed, m.candidate) for m in rows}


def test_first_name_with_accent_and_possessive_is_found_in_the_feedbacks_team(app):
    team = make_team("shop")
    jose = make_user(team=team, name="José Fernández")
    make_user(team=team, name="Amara Okafor")
    feedback = customer_says(team, "Jose's patience was wonderful, thank you!")
    assert matches(feedback) == {("José Fernández", True, False)}


def test_full_name_nickname_and_helper_name_are_matched_case_insensitively(app):
    team = make_team("shop")
    make_user(team=team, name="Dmitri Chen", nicknames="Dima, Dimka")
    make_user(team=team, name="Amara Okafor")
    make_user(team=team, name="Kenji Tanaka")
    feedback = customer_says(team, "DIMA was great and so was amara okafor", helper_name="kenji")
    assert matches(feedback) == {("Dmitri Chen", True, False), ("Amara Okafor", True, False),
                                 ("Kenji Tanaka", True, False)}


def test_a_first_name_shared_in_the_team_gives_candidates_not_a_guess(app):
    team = make_team("shop")
    make_manager(team, name="Maya Lindqvist")
    make_user(team=team, name="Sofia Garcia")
    make_user(team=team, name="Sofia Rossi")
    feedback = customer_says(team, "Sofia was so kind to my mum.")
    assert matches(feedback) == {("Sofia Garcia", False, True), ("Sofia Rossi", False, True)}
    # Nobody is told "a customer said" before a manager confirms who was meant.
    assert notes("praise.customer_said") == []
    [alert] = notes("praise.manager_alert")
    assert alert.payload["hero_ids"] == [] and len(alert.payload["candidate_ids"]) == 2


def test_someone_fitting_two_ambiguous_names_is_one_candidate(app):
    team = make_team("desk")
    make_manager(team, name="Maya Lindqvist")
    make_user(team=team, name="Alexander Berg", nicknames="Alex")
    make_user(team=team, name="Alex Moreau")
    make_user(team=team, name="Alexander Kim")
    feedback = customer_says(team, "Thanks to Alex and Alexander, wonderful")
    assert matches(feedback) == {("Alexander Berg", False, True), ("Alex Moreau", False, True),
                                 ("Alexander Kim", False, True)}


def test_a_full_name_settles_a_shared_first_name(app):
    team = make_team("shop")
    make_user(team=team, name="Sofia Garcia")
    make_user(team=team, name="Sofia Rossi")
    feedback = customer_says(team, "Sofia Rossi sorted it all out.")
    assert matches(feedback) == {("Sofia Rossi", True, False)}


def test_the_team_comes_before_the_department_and_the_organisation_only_on_full_names(app):
    stores = make_team("stores")
    shop = make_team("shop", parent=stores)
    other_shop = make_team("other-shop", parent=stores)
    elsewhere = make_team("care")
    make_user(team=shop, name="Lars Nielsen")
    make_user(team=other_shop, name="Lars Berg")
    make_user(team=other_shop, name="Chiara Bianchi")
    make_user(team=elsewhere, name="Kwame Mensah")
    make_user(team=elsewhere, name="Freya Holm")
    feedback = customer_says(shop, "Lars, Chiara, Kwame Mensah and Freya all helped.")
    # Lars of the team wins over Lars of the department; Chiara is found in the department;
    # Kwame elsewhere only by his full name; Freya (first name only, another department) is not guessed.
    assert matches(feedback) == {("Lars Nielsen", True, False), ("Chiara Bianchi", True, False),
                                 ("Kwame Mensah", True, False)}


def test_inactive_people_and_negative_feedback_are_not_routed(app):
    team = make_team("shop")
    make_user(team=team, name="Greta Novak", active=False)
    make_user(team=team, name="Tuan Nguyen")
    negative = customer_says(team, "Tuan was rude and slow.", score=1)
    assert matches(negative) == set()
    gone = customer_says(team, "Greta helped me find it.")
    assert matches(gone) == set() and notes() == []


def test_named_person_and_manager_read_the_words_with_contacts_redacted(app):
    team = make_team("shop")
    manager = make_manager(team, name="Maya Lindqvist")
    priya = make_user(team=team, name="Priya Sharma")
    customer_says(team, "Priya was brilliant! Mail me at jo@example.com or call +44 7700 900123. "
                        "Card 4111 1111 1111 1111 was charged twice but she fixed it.")
    [said] = notes("praise.customer_said", recipient=priya)
    assert "[email]" in said.quote and "[phone]" in said.quote and "[card number]" in said.quote
    assert "jo@example.com" not in said.quote and "4111" not in said.quote and "7700" not in said.quote
    assert "Priya was brilliant!" in said.quote  # verbatim otherwise
    [alert] = notes("praise.manager_alert", recipient=manager)
    assert alert.payload["hero_ids"] == [priya.id]
    assert alert.payload["feedback_id"] == said.payload["feedback_id"]
    assert alert.payload["suggested_kind"] == "recovery"  # "fixed it"
    assert alert.quote == said.quote


def test_suggested_kind_is_proactive_when_nothing_went_wrong(app):
    team = make_team("shop")
    make_manager(team, name="Maya Lindqvist")
    make_user(team=team, name="Priya Sharma")
    customer_says(team, "Priya remembered my daughter's name. Lovely!")
    [alert] = notes("praise.manager_alert")
    assert alert.payload["suggested_kind"] == "proactive"


def test_a_manager_of_the_department_is_alerted_when_the_team_has_none(app):
    stores = make_team("stores")
    shop = make_team("shop", parent=stores)
    head = make_manager(stores, name="Harriet Head")
    make_user(team=shop, name="Priya Sharma")
    customer_says(shop, "Priya was great")
    assert len(notes("praise.manager_alert", recipient=head)) == 1


def test_routing_existing_feedback_is_idempotent(app):
    from tests.feedback.factories import make_feedback

    team = make_team("shop")
    make_manager(team, name="Maya Lindqvist")
    make_user(team=team, name="Priya Sharma")
    make_feedback(team, comment="Priya made my day", score=5)  # stored without the signal
    assert route_existing() == 1
    db.session.commit()
    assert route_existing() == 0
    db.session.commit()
    assert len(notes("praise.customer_said")) == 1 and len(notes("praise.manager_alert")) == 1


def test_praise_about_me_shows_my_praise_redacted_and_nobody_elses(app, client, login):
    team = make_team("shop")
    priya = make_user(team=team, name="Priya Sharma")
    make_user(team=team, name="Kenji Tanaka")
    customer_says(team, "Priya was a star, write to me at me@example.com <b>really</b>")
    customer_says(team, "Kenji was patient with my questions")
    login(priya)
    html = client.get("/praise/me").get_data(as_text=True)
    assert "Priya was a star" in html and "[email]" in html and "me@example.com" not in html
    assert "&lt;b&gt;really&lt;/b&gt;" in html and "<b>really" not in html
    assert "Kenji was patient" not in html


def test_praise_about_me_is_empty_with_a_kind_message(app, client, login):
    login(make_user(team=make_team(), name="Olga Ivanova"))
    assert "No customer has named you yet." in client.get("/praise/me").get_data(as_text=True)


def test_the_customers_own_people_are_not_taken_for_employees(app):
    team = make_team("shop")
    make_user(team=team, name="Tomasz Kowalski", nicknames="Tom")
    make_user(team=team, name="Priya Sharma")
    feedback = customer_says(team, "Priya helped my husband Tom find a gift.")
    assert matches(feedback) == {("Priya Sharma", True, False)}


def test_names_inside_email_addresses_are_not_matched(app):
    team = make_team("shop")
    make_user(team=team, name="Tomasz Kowalski", nicknames="Tom")
    feedback = customer_says(team, "Lovely shop, write to tom.smith@example.com")
    assert matches(feedback) == set()


def test_route_praise_command_routes_old_feedback_once_and_notifies_only_recent(app, runner):
    from datetime import timedelta

    from flashpoint.timeutil import utcnow
    from tests.feedback.factories import make_feedback

    team = make_team("shop")
    make_manager(team, name="Maya Lindqvist")
    priya = make_user(team=team, name="Priya Sharma")
    make_feedback(team, comment="Priya made my day", received_at=utcnow() - timedelta(days=30))
    make_feedback(team, comment="Priya again, lovely", received_at=utcnow() - timedelta(days=1))
    result = runner.invoke(args=["route-praise", "--notify-days", "7"])
    assert result.exit_code == 0 and "2 pieces of feedback named someone" in result.output
    assert len(notes("praise.customer_said", recipient=priya)) == 1  # only the recent one
    result = runner.invoke(args=["route-praise"])
    assert "0 pieces" in result.output


def test_staying_late_is_proactive_but_a_late_delivery_put_right_is_a_recovery():
    from recognition.praise.matching import suggested_kind

    assert suggested_kind("Special mention for Mariam who stayed late to finish the job properly.") == "proactive"
    assert suggested_kind("My parcel arrived late but Kenji made it right.") == "recovery"
    assert suggested_kind("Despite the queue, Sofia was calm") == "recovery"
    assert suggested_kind("Lovely chocolate selection, thanks Amara") == "proactive"
